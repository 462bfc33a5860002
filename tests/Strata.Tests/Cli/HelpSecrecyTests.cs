namespace Strata.Tests.Cli;

/// <summary>The caller's token never reaches help or error output; <c>serve</c> lists only its own options.</summary>
public sealed class HelpSecrecyTests
{
    private const string Token = "strata_help-secrecy-token-0123456789abcdefghij";
    private static readonly Dictionary<string, string> Environment = new() { ["STRATA_TOKEN"] = Token, ["STRATA_SERVER"] = "http://127.0.0.1:1" };

    [Theory]
    [InlineData("--help")]
    [InlineData("ls --help")]
    [InlineData("token create --help")]
    [InlineData("keys rotate --help")]
    [InlineData("serve --help")]
    [InlineData("get svc")]
    [InlineData("ls --bogus")]
    [InlineData("get svc port")]
    public async Task Help_usage_errors_and_failures_never_print_the_token_from_the_environment(string commandLine)
    {
        var (_, stdout, stderr) = await CliProcess.RunAsync(commandLine.Split(' '), Environment);
        Assert.DoesNotContain(Token, stdout + stderr);
        Assert.DoesNotContain("strata_help", stdout + stderr);
    }

    [Fact]
    public async Task Client_help_says_where_the_token_comes_from_without_showing_it()
    {
        var (code, stdout, _) = await CliProcess.RunAsync(["ls", "--help"], Environment);
        Assert.Equal(0, code);
        Assert.Contains("--token", stdout);
        Assert.Contains("default STRATA_TOKEN", stdout);
        Assert.DoesNotContain("[default:", stdout.Split('\n').Single(l => l.Contains("--token")));
    }

    [Fact]
    public async Task Serve_help_lists_only_the_options_serve_takes()
    {
        var (code, stdout, _) = await CliProcess.RunAsync(["serve", "--help"], Environment);
        Assert.Equal(0, code);
        Assert.Contains("--data", stdout);
        Assert.DoesNotContain("--server", stdout);
        Assert.DoesNotContain("--token", stdout);
    }

    [Fact]
    public async Task A_token_a_header_cannot_carry_is_refused_without_quoting_it()
    {
        const string bad = "strata_bad-token-with a space-0123456789";
        var (code, stdout, stderr) = await CliProcess.RunAsync(["get", "svc", "port", "--token", bad, "--server", "http://127.0.0.1:1"]);
        Assert.Equal(2, code);
        Assert.Contains("--token", stderr);
        Assert.DoesNotContain("bad-token", stdout + stderr);
    }
}
