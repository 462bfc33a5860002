using System.Text.Json;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Cli;

/// <summary>
/// The command line's own errors: each said once, by the names a user typed, with exit code 2; output printed as is;
/// <c>unset</c> saying whether it removed an override.
/// </summary>
public sealed class CommandLineTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(o => o
        .Define(new SettingDefinition { Namespace = "svc", Key = "port", Type = SettingType.Int, Default = 8080, Scopes = ["global", "user"] }));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Task<(int ExitCode, string Out, string Err)> Strata(params string[] args) =>
        StrataProcess.RunAsync([.. args, "--server", _server.Address.ToString()]);

    [Fact]
    public async Task A_server_without_a_scheme_is_a_usage_error_suggesting_http()
    {
        var (code, stdout, stderr) = await StrataProcess.RunAsync("ls", "--server", "localhost:5380");
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains("--server 'localhost:5380' is not an http:// or https:// URL; did you mean http://localhost:5380?", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public async Task An_unknown_option_exits_2_instead_of_being_taken_as_an_argument()
    {
        var (code, stdout, stderr) = await Strata("ls", "--bogus");
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains("unknown option '--bogus' for 'strata ls'", stderr);
        Assert.Equal(2, (await Strata("set", "free", "k", "--bogus")).ExitCode);
        Assert.Equal(0, await _server.RevisionAsync());
    }

    [Fact]
    public async Task Values_that_start_with_a_dash_are_still_values()
    {
        Assert.Equal(0, (await Strata("set", "free", "negative", "-5")).ExitCode);
        Assert.Equal("-5", (await Strata("get", "free", "negative")).Out.Trim());
        Assert.Equal(0, (await StrataProcess.RunAsync("set", "--server", _server.Address.ToString(), "free", "flag", "--", "--verbose")).ExitCode);
        Assert.Equal("\"--verbose\"", (await Strata("get", "free", "flag")).Out.Trim());
    }

    [Fact]
    public async Task Missing_arguments_are_named_once()
    {
        var (code, _, stderr) = await Strata("set");
        Assert.Equal(2, code);
        Assert.Contains("'strata set' needs NAMESPACE KEY VALUE; missing NAMESPACE, KEY, VALUE.", stderr);
        Assert.DoesNotContain("Required argument missing", stderr);
        Assert.Equal(2, stderr.Trim().Split('\n').Length);
        Assert.Contains("missing KEY, VALUE", (await Strata("set", "svc")).Err);
    }

    [Fact]
    public async Task A_401_without_a_token_says_how_to_give_one()
    {
        await using var locked = await TestServer.StartAsync(o => o.EnvironmentVariables!["STRATA_ADMIN_TOKEN"] = "command-line-admin-token-0123456789abcdef", anonymousGrants: []);
        var (code, _, stderr) = await StrataProcess.RunAsync("ls", "--server", locked.Address.ToString());
        Assert.Equal(7, code);
        Assert.Contains("no token was given: pass --token or set STRATA_TOKEN", stderr);
        var wrong = await StrataProcess.RunAsync("ls", "--server", locked.Address.ToString(), "--token", "strata_not-the-right-token-0123456789");
        Assert.Equal(7, wrong.ExitCode);
        Assert.DoesNotContain("no token was given", wrong.Err);
    }

    [Fact]
    public async Task Audit_takes_durations_as_that_long_ago_and_names_its_own_options_in_errors()
    {
        await Strata("set", "svc", "port", "9000");
        var recent = await Strata("audit", "--since", "1h", "--action", "setting.set");
        Assert.Equal(0, recent.ExitCode);
        Assert.Contains("setting.set", recent.Out);
        var older = await Strata("audit", "--until", "1h", "--action", "setting.set");
        Assert.Equal((0, ""), (older.ExitCode, older.Out));
        Assert.Contains("setting.set", (await Strata("audit", "--since", DateTimeOffset.UtcNow.AddDays(-1).ToString("O"))).Out);

        var (code, _, stderr) = await Strata("audit", "--since", "yesterday");
        Assert.Equal(2, code);
        Assert.Contains("--since 'yesterday' is not a time", stderr);
        Assert.DoesNotContain("from", stderr);
    }

    [Fact]
    public async Task Json_output_prints_plus_signs_and_letters_as_themselves()
    {
        await Strata("set", "free", "greeting", "café <b>+1</b>");
        Assert.Equal("\"café <b>+1</b>\"", (await Strata("get", "free", "greeting")).Out.Trim());
        await Strata("set", "svc", "port", "1");
        var explained = (await Strata("get", "svc", "port", "--explain")).Out;
        Assert.DoesNotContain("\\u00", explained);
        Assert.Matches("\"updatedAt\": \"[^\"]+\\+00:00\"", explained);
        Assert.Equal(1, JsonSerializer.Deserialize<JsonElement>(explained).GetProperty("value").GetInt32());
    }

    [Fact]
    public async Task Unset_of_an_override_says_reset_with_its_version_and_revision()
    {
        await Strata("set", "svc", "port", "9090");
        var (code, stdout, _) = await Strata("unset", "svc", "port");
        Assert.Equal(0, code);
        Assert.Equal("svc/port@global reset (version 2, revision 2)", stdout.Trim());
    }

    [Fact]
    public async Task Unset_without_an_override_says_nothing_changed()
    {
        await Strata("set", "svc", "port", "9090");
        var (code, stdout, _) = await Strata("unset", "svc", "port", "--scope", "user:alice");
        Assert.Equal(0, code);
        Assert.Equal("svc/port has no override at scope user:alice; nothing changed", stdout.Trim());
        Assert.Equal(1, await _server.RevisionAsync());
    }
}
