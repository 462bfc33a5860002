using Strata.Tests.Infrastructure;

namespace Strata.Tests.Cli;

/// <summary>
/// An argument that is not valid UTF-8 reaches .NET with U+FFFD in place of each bad byte; <c>set</c> refuses it
/// rather than store a value that is not the one typed. The bytes go through <c>sh</c> and <c>printf</c>.
/// </summary>
public sealed class CommandLineUtf8Tests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Task<(int ExitCode, string Out, string Err)> InShell(string script, params string[] args) =>
        CliProcess.RunInShellAsync(script, [.. args, "--server", _server.Address.ToString()]);

    [Fact]
    public async Task A_value_in_utf8_from_the_shell_is_stored_as_typed()
    {
        if (OperatingSystem.IsWindows()) return;
        var (code, stdout, _) = await InShell("""exec "$@" "$(printf 'caf\303\251')" """, "set", "app", "greeting");
        Assert.Equal(0, code);
        Assert.Contains("app/greeting = \"café\"", stdout);
    }

    [Fact]
    public async Task A_value_that_is_not_utf8_exits_2_in_one_line_and_stores_nothing()
    {
        if (OperatingSystem.IsWindows()) return;
        var (code, stdout, stderr) = await InShell("""exec "$@" "$(printf 'caf\351')" """, "set", "app", "greeting");

        Assert.Equal(2, code);
        Assert.StartsWith("strata: VALUE is not valid UTF-8", ServeStartFailureTests.OneStrataLine(stdout, stderr));
        Assert.Equal(0, await _server.RevisionAsync());
    }

    [Fact]
    public async Task A_comment_that_is_not_utf8_exits_2_in_one_line_and_stores_nothing()
    {
        if (OperatingSystem.IsWindows()) return;
        var (code, stdout, stderr) = await InShell("""exec "$@" -m "$(printf 'd\351j\340 vu')" """, "set", "app", "greeting", "hello");

        Assert.Equal(2, code);
        Assert.StartsWith("strata: --comment is not valid UTF-8", ServeStartFailureTests.OneStrataLine(stdout, stderr));
        Assert.Equal(0, await _server.RevisionAsync());
    }
}
