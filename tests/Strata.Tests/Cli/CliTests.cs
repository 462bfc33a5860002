using System.Text.Json;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Cli;

/// <summary>The real <c>strata</c> commands against a real server: output and exit codes a script can rely on.</summary>
public sealed class CliTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(o => o
        .DefineNamespace(new NamespaceDefinition { Name = "svc", Strict = true })
        .Define(new SettingDefinition { Namespace = "svc", Key = "port", Type = SettingType.Int, Default = 8080, Max = 65535, Scopes = ["global", "user"] })
        .Define(new SettingDefinition { Namespace = "svc", Key = "mode", Type = SettingType.String, Default = "normal" }));

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _dir.Dispose();
    }

    private Task<(int ExitCode, string Out, string Err)> Strata(params string[] args) =>
        StrataProcess.RunAsync([.. args, "--server", _server.Address.ToString()]);

    [Fact]
    public async Task Set_get_ls_and_unset_round_trip_with_exit_code_zero()
    {
        var set = await Strata("set", "svc", "port", "9090", "-m", "move port");
        Assert.Equal(0, set.ExitCode);
        Assert.Contains("svc/port = 9090 (version 1, revision 1)", set.Out);

        Assert.Equal((0, "9090"), ((await Strata("get", "svc", "port")).ExitCode, (await Strata("get", "svc", "port")).Out.Trim()));
        await Strata("set", "svc", "mode", "fast");
        Assert.Equal("\"fast\"", (await Strata("get", "svc", "mode")).Out.Trim());

        var ls = await Strata("ls", "svc");
        Assert.Contains("mode = \"fast\"\t(override global)", ls.Out);
        Assert.Contains("port = 9090\t(override global)", ls.Out);
        Assert.Contains("svc\t2 stored\t2 defined\tstrict", (await Strata("ls")).Out);

        // What unset prints is UnsetTests' subject.
        Assert.Equal(0, (await Strata("unset", "svc", "port")).ExitCode);
        Assert.Equal("8080", (await Strata("get", "svc", "port")).Out.Trim());
    }

    [Fact]
    public async Task Consumers_lists_each_service_with_an_open_watch_and_whether_it_is_behind()
    {
        await Strata("set", "svc", "port", "9000");
        await using var watch = await SseStream.OpenAsync(_server.Http, "api/v1/watch?ns=svc&since=0", new Dictionary<string, string>
        {
            ["Strata-Consumer-Application"] = "billing-api", ["Strata-Consumer-Instance"] = "b-7", ["Strata-Consumer-Host"] = "node-3",
        });
        await watch.NextAsync("change");

        var (code, stdout, _) = await Strata("consumers");
        Assert.Equal(0, code);
        Assert.Matches(@"^billing-api\tb-7\tnode-3\tsvc\tapplied 0 \(behind \d+\)\tsince \S+\tseen \S+$", stdout.Trim());
    }

    [Fact]
    public async Task Watch_prints_each_verified_change_and_refuses_events_under_another_key()
    {
        await Strata("set", "svc", "port", "9001");
        await Strata("set", "svc", "port", "9002", "--scope", "user:ann");

        var (code, stdout, stderr) = await Strata("watch", "svc", "--scope", "user:ann", "--since", "0", "--count", "2");
        Assert.Equal(0, code);
        var lines = stdout.Trim().Split('\n');
        Assert.Matches(@"^\d+\tsvc/port@global = 9001\t\(version 1, override\)\t", lines[0]);
        Assert.Matches(@"^\d+\tsvc/port@user:ann = 9002\t", lines[1]);
        Assert.Contains("verifying with the server's key", stderr);

        using var other = NSec.Cryptography.Key.Create(NSec.Cryptography.SignatureAlgorithm.Ed25519);
        var foreign = Convert.ToBase64String(other.PublicKey.Export(NSec.Cryptography.KeyBlobFormat.RawPublicKey));
        var refused = await Strata("watch", "svc", "--since", "0", "--count", "1", "--signing-key", foreign);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("does not verify", refused.Err);
        Assert.Empty(refused.Out);
    }

    [Fact]
    public async Task Get_with_scope_and_explain_prints_the_layers()
    {
        await Strata("set", "svc", "port", "7000", "--scope", "user:alice");
        var explained = await Strata("get", "svc", "port", "--scope", "user:alice", "--explain");
        var json = JsonSerializer.Deserialize<JsonElement>(explained.Out);
        Assert.Equal(7000, json.GetProperty("value").GetInt32());
        Assert.Equal(["override", "code"], json.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("layer").GetString()));
    }

    [Fact]
    public async Task A_missing_setting_exits_3_and_says_why_on_stderr()
    {
        var (code, stdout, stderr) = await Strata("get", "svc", "nothing");
        Assert.Equal(3, code);
        Assert.Equal("", stdout);
        Assert.Contains("404", stderr);
    }

    [Fact]
    public async Task An_invalid_value_exits_4_naming_the_rule()
    {
        var (code, _, stderr) = await Strata("set", "svc", "port", "70000");
        Assert.Equal(4, code);
        Assert.Contains("must be at most 65535", stderr);
        Assert.Equal(4, (await Strata("set", "svc", "unknown", "1")).ExitCode);
        Assert.Equal(0, await _server.RevisionAsync());
    }

    [Fact]
    public async Task A_stale_if_version_exits_5()
    {
        await Strata("set", "svc", "port", "1000");
        Assert.Equal(5, (await Strata("set", "svc", "port", "1001", "--if-version", "7")).ExitCode);
        Assert.Equal(0, (await Strata("set", "svc", "port", "1001", "--if-version", "1")).ExitCode);
    }

    [Fact]
    public async Task An_unreachable_server_exits_6_and_a_usage_error_exits_2()
    {
        var unreachable = await StrataProcess.RunAsync("get", "svc", "port", "--server", "http://127.0.0.1:1");
        Assert.Equal(6, unreachable.ExitCode);
        Assert.Contains("cannot reach", unreachable.Err);
        Assert.Equal(2, (await Strata("get", "svc")).ExitCode);
        Assert.Equal(2, (await Strata("frobnicate")).ExitCode);
        Assert.Equal(2, (await Strata("rollback", "svc", "port")).ExitCode);
    }

    [Fact]
    public async Task Values_that_are_not_json_are_stored_as_strings_unless_forced()
    {
        await Strata("set", "free", "greeting", "hello world");
        await Strata("set", "free", "number-as-text", "42", "--string");
        await Strata("set", "free", "object", "{\"a\":[1,2]}");
        Assert.Equal("\"hello world\"", (await Strata("get", "free", "greeting")).Out.Trim());
        Assert.Equal("\"42\"", (await Strata("get", "free", "number-as-text")).Out.Trim());
        Assert.Equal(JsonValueKind.Object, JsonSerializer.Deserialize<JsonElement>((await Strata("get", "free", "object")).Out).ValueKind);
    }

    [Fact]
    public async Task History_diff_and_rollback_work_from_the_command_line()
    {
        await Strata("set", "svc", "port", "1", "-m", "one");
        await Strata("set", "svc", "port", "2");
        await Strata("set", "svc", "mode", "fast");

        var history = await Strata("history", "svc", "port");
        Assert.Equal(0, history.ExitCode);
        var lines = history.Out.Trim().Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("r2\t", lines[0]);
        Assert.Contains("1 -> 2", lines[0]);
        Assert.Contains("# one", lines[1]);

        var diff = await Strata("diff", "svc", "--from", "1");
        Assert.Contains("- port@global = 1", diff.Out);
        Assert.Contains("+ port@global = 2", diff.Out);
        Assert.Contains("+ mode@global = \"fast\"", diff.Out);

        Assert.Equal(0, (await Strata("rollback", "svc", "port", "--version", "1")).ExitCode);
        Assert.Equal("1", (await Strata("get", "svc", "port")).Out.Trim());
        var nsRollback = await Strata("rollback", "svc", "--revision", "1");
        Assert.Contains("revision 5", nsRollback.Out);
        Assert.Equal("\"normal\"", (await Strata("get", "svc", "mode")).Out.Trim());
    }

    [Fact]
    public async Task Export_to_a_yaml_file_and_import_into_another_server()
    {
        await Strata("set", "svc", "port", "4444");
        await Strata("set", "free", "list", "[1,2,3]", "--scope", "user:bob");
        var file = _dir.File("export.yaml");
        Assert.Equal(0, (await Strata("export", "--format", "yaml", "-o", file)).ExitCode);
        Assert.Contains("strata-export/1", await File.ReadAllTextAsync(file));

        await using var other = await TestServer.StartAsync(o => o
            .Define(new SettingDefinition { Namespace = "svc", Key = "port", Type = SettingType.Int, Scopes = ["global", "user"] }));
        var import = await StrataProcess.RunAsync("import", file, "--server", other.Address.ToString());
        Assert.Equal(0, import.ExitCode);
        Assert.Contains("2 setting(s) changed", import.Out);
        var list = await StrataProcess.RunAsync("get", "free", "list", "--scope", "user:bob", "--server", other.Address.ToString());
        Assert.Equal("[1,2,3]", list.Out.Replace(" ", "").Replace("\n", "").Trim());
    }

    [Fact]
    public async Task Tokens_are_created_listed_used_and_revoked_from_the_command_line_and_denials_exit_7()
    {
        const string admin = "cli-admin-token-0123456789abcdef0123";
        await using var locked = await TestServer.StartAsync(o => o.EnvironmentVariables!["STRATA_ADMIN_TOKEN"] = admin, anonymousGrants: []);
        var server = locked.Address.ToString();

        Assert.Equal(7, (await StrataProcess.RunAsync("ls", "--server", server)).ExitCode);
        var created = await StrataProcess.RunAsync("token", "create", "reader", "--grant", "config.read:svc", "--expires", "1d", "--server", server, "--token", admin);
        Assert.Equal(0, created.ExitCode);
        Assert.Contains("it is not shown again", created.Err);
        var reader = created.Out.Trim();
        Assert.StartsWith("strata_", reader);

        Assert.Equal(0, (await StrataProcess.RunAsync("set", "svc", "port", "1", "--server", server, "--token", admin)).ExitCode);
        Assert.Equal("1", (await StrataProcess.RunAsync("get", "svc", "port", "--server", server, "--token", reader)).Out.Trim());
        var denied = await StrataProcess.RunAsync("set", "svc", "port", "2", "--server", server, "--token", reader);
        Assert.Equal(7, denied.ExitCode);
        Assert.Contains("403", denied.Err);

        var list = await StrataProcess.RunAsync("token", "ls", "--server", server, "--token", admin);
        Assert.Contains("\treader\tconfig.read:svc\texpires ", list.Out);
        Assert.DoesNotContain(reader, list.Out);
        var id = list.Out.Split('\n').Single(l => l.Contains("\treader\t")).Split('\t')[0];
        Assert.Equal(0, (await StrataProcess.RunAsync("token", "revoke", id, "--server", server, "--token", admin)).ExitCode);
        Assert.Equal(7, (await StrataProcess.RunAsync("get", "svc", "port", "--server", server, "--token", reader)).ExitCode);
    }
}
