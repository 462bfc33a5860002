using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Strata.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Strata.Tests.Transfer;

/// <summary>YAML attacks against a real server process and a real start-up: each is refused quickly, cheaply and cleanly.</summary>
public sealed class YamlAttackTests(YamlAttackServer server, ITestOutputHelper output) : IClassFixture<YamlAttackServer>, IDisposable
{
    // Measured here: 73 MiB resident after start-up, a peak of 128 MiB after every attack; the node model needed 1.6 GB for billion laughs.
    private const long PeakBoundKib = 256 * 1024;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string, string> Attacks => new()
    {
        { nameof(YamlAttacks.DeepFlow), "maxDepth" },
        { nameof(YamlAttacks.DeepBlockSequence), "maxDepth" },
        { nameof(YamlAttacks.DeepBlockMapping), "maxDepth" },
        { nameof(YamlAttacks.BillionLaughs), "maxAliasExpansion" },
        { nameof(YamlAttacks.SelfReference), "yaml" },
        { nameof(YamlAttacks.HugeScalar), "maxScalarLength" },
    };

    private static string Attack(string name) => name switch
    {
        nameof(YamlAttacks.DeepFlow) => YamlAttacks.DeepFlow,
        nameof(YamlAttacks.DeepBlockSequence) => YamlAttacks.DeepBlockSequence,
        nameof(YamlAttacks.DeepBlockMapping) => YamlAttacks.DeepBlockMapping,
        nameof(YamlAttacks.BillionLaughs) => YamlAttacks.BillionLaughs,
        nameof(YamlAttacks.SelfReference) => YamlAttacks.SelfReference,
        nameof(YamlAttacks.HugeScalar) => YamlAttacks.HugeScalar,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Attacks))]
    public async Task A_yaml_import_attack_is_a_400_naming_the_limit_and_the_server_stays_up_unchanged_and_small(string attack, string rule)
    {
        var before = await server.RevisionAsync();
        var watch = Stopwatch.StartNew();

        var response = await server.Http.PostAsync("api/v1/import", new StringContent(Attack(attack), Encoding.UTF8, "application/yaml"));

        var problem = await response.AssertProblemAsync(400);
        var error = problem.GetProperty("errors")[0];
        Assert.Equal(("body", rule), (error.GetProperty("field").GetString(), error.GetProperty("rule").GetString()));
        Assert.Matches(@"at line \d+, column \d+\.$", problem.GetProperty("detail").GetString());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"{attack} took {watch.Elapsed}");
        Assert.False(server.HasExited, server.Output.ToString());
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync("healthz")).StatusCode);
        Assert.Equal(before, await server.RevisionAsync());
        var (rss, peak) = server.Memory();
        output.WriteLine($"{attack}: {watch.ElapsedMilliseconds} ms, VmRSS {rss / 1024} MiB, VmHWM {peak / 1024} MiB (start {server.StartRssKib / 1024} MiB)");
        Assert.True(peak < PeakBoundKib, $"peak resident memory {peak / 1024} MiB after {attack}");
    }

    [Theory]
    [InlineData("settings:\n  app:\n    global:\n      k: 1\n      k: 2\n", "duplicate", "line 5, column 7")]
    [InlineData("settings:\n  app:\n    global:\n      k: +1e309\n", "range", "line 4, column 10")]
    [InlineData("settings: {}\n---\nsettings: {}\n", "yaml", "line 2, column 1")]
    [InlineData("settings:\n  ? [app]\n  : {}\n", "yaml", "line 2, column 5")]
    [InlineData("settings: *nowhere\n", "yaml", "line 1, column 11")]
    public async Task A_yaml_body_that_json_cannot_carry_is_a_400_with_its_rule_and_position(string yaml, string rule, string where)
    {
        var before = await server.RevisionAsync();

        var response = await server.Http.PostAsync("api/v1/import", new StringContent(yaml, Encoding.UTF8, "application/yaml"));

        var problem = await response.AssertProblemAsync(400);
        Assert.Equal(rule, problem.GetProperty("errors")[0].GetProperty("rule").GetString());
        Assert.Contains(where, problem.GetProperty("detail").GetString());
        Assert.Equal(before, await server.RevisionAsync());
    }

    [Fact]
    public async Task A_yaml_body_that_is_not_utf8_is_a_400_rather_than_replacement_characters()
    {
        var bytes = Encoding.UTF8.GetBytes("settings:\n  app:\n    global:\n      k: x\n").Concat(new byte[] { 0xC3, 0x28, 0x0A }).ToArray();
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new("application/yaml");

        var problem = await (await server.Http.PostAsync("api/v1/import", content)).AssertProblemAsync(400);

        Assert.Equal("The body is not valid UTF-8.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_valid_yaml_import_with_anchors_still_applies_on_the_attacked_server()
    {
        var before = await server.RevisionAsync();
        const string document = "format: strata-export/1\nsettings:\n  yamlok:\n    global:\n      a: &shared {retries: 3, hosts: [x, y]}\n      b: *shared\n";

        var response = await server.Http.PostAsync("api/v1/import", new StringContent(document, Encoding.UTF8, "application/yaml"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(before + 1, await server.RevisionAsync());
        var b = JsonSerializer.Deserialize<JsonElement>(await server.Http.GetStringAsync("api/v1/settings/yamlok/b"));
        Assert.Equal("""{"retries":3,"hosts":["x","y"]}""", b.GetProperty("value").GetRawText());
        output.WriteLine($"after a valid import: VmRSS {server.Memory().RssKib / 1024} MiB, VmHWM {server.Memory().PeakKib / 1024} MiB");
    }

    [Fact]
    public async Task The_cli_import_of_an_attack_file_exits_4_with_the_servers_reason_and_the_server_stays_up()
    {
        // The CLI does not parse YAML: it sends the file's text, so the server's limits are the CLI's.
        var before = await server.RevisionAsync();
        var file = _dir.Write("attack.yaml", YamlAttacks.BillionLaughs);

        var (code, _, stderr) = await StrataProcess.RunAsync("import", file, "--server", server.Address.ToString(), "--token", server.Token);

        Assert.Equal(4, code);
        Assert.Contains("Aliases repeat more than the limit of 1048576 nodes and characters at line 9, column 17.", stderr);
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync("healthz")).StatusCode);
        Assert.Equal(before, await server.RevisionAsync());
    }

    [Theory]
    [MemberData(nameof(Attacks))]
    public async Task A_definitions_file_attack_stops_start_up_quickly_with_exit_8_and_one_line_naming_file_line_and_limit(string attack, string rule)
    {
        var file = _dir.Write("attack.yaml", Attack(attack));
        var watch = Stopwatch.StartNew();

        var (code, _, stderr) = await StrataProcess.RunAsync("serve", "--urls", "http://127.0.0.1:0", "--data", _dir.File("data"), "--definitions", file);

        Assert.Equal(8, code);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches($@"^strata: {Regex.Escape(file)}:\d+:\d+: ", line);
        Assert.Contains(rule switch
        {
            "maxDepth" => "nested deeper than the limit of 32 levels",
            "maxAliasExpansion" => "Aliases repeat more than the limit",
            "maxScalarLength" => "longer than the limit of 262144 characters",
            _ => "inside the node it names",
        }, line);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"{attack} took {watch.Elapsed}");
        output.WriteLine($"{attack}: exit {code} in {watch.ElapsedMilliseconds} ms: {line}");
    }
}
