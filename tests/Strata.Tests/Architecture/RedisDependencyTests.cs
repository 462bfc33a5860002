using System.Reflection;
using System.Text.Json;
using Strata.Client;

namespace Strata.Tests.Architecture;

/// <summary>
/// The Redis bridge and transport are optional: Strata.Core and Strata.Client carry no Redis client, and
/// Strata.Client.Redis (what a service references) carries no server, no ASP.NET Core, no SQLite, no YAML.
/// </summary>
public sealed class RedisDependencyTests
{
    private static readonly string[] Server = ["Strata.Core", "strata", "Microsoft.AspNetCore", "Microsoft.Data.Sqlite", "SQLitePCLRaw", "YamlDotNet"];

    private static bool Matches(string name, IEnumerable<string> prefixes) => prefixes.Any(f => name == f || name.StartsWith(f + ".", StringComparison.Ordinal));

    [Fact]
    public void The_redis_transport_references_the_client_and_the_redis_client_but_nothing_of_the_server()
    {
        var references = typeof(StrataRedisClientOptions).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.Contains("Strata.Client", references);
        Assert.Contains("StackExchange.Redis", references);
        Assert.DoesNotContain(references, r => Matches(r, Server));
        Assert.DoesNotContain(Reached("Strata.Client.Redis"), n => Matches(n, Server));
    }

    [Fact]
    public void Neither_the_core_nor_the_client_brings_in_stackexchange_redis()
    {
        foreach (var assembly in new[] { typeof(StrataOptions).Assembly, typeof(StrataClientOptions).Assembly })
            Assert.DoesNotContain(assembly.GetReferencedAssemblies(), a => a.Name == "StackExchange.Redis");
        Assert.DoesNotContain("StackExchange.Redis", Reached("Strata.Core"));
        Assert.DoesNotContain("StackExchange.Redis", Reached("Strata.Client"));
        // The check reads real dependencies: the bridge does bring it in.
        Assert.Contains("StackExchange.Redis", Reached("Strata.Redis"));
    }

    [Fact]
    public void The_bridge_builds_on_the_core_only()
    {
        var references = typeof(StrataRedisOptions).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.Contains("Strata.Core", references);
        Assert.DoesNotContain(references, r => r is "strata" or "Strata.Ui" || r.StartsWith("Strata.Client.", StringComparison.Ordinal) || r.StartsWith("Strata.Mqtt", StringComparison.Ordinal));
    }

    /// <summary>The packages and projects a project brings in, transitively, as the test build's deps.json records them.</summary>
    private static HashSet<string> Reached(string root)
    {
        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Strata.Tests.deps.json")));
        var libraries = json.RootElement.GetProperty("targets").EnumerateObject().First().Value.EnumerateObject()
            .ToDictionary(p => p.Name[..p.Name.IndexOf('/')], p => p.Value.TryGetProperty("dependencies", out var d)
                ? d.EnumerateObject().Select(x => x.Name).ToList() : []);
        var reached = new HashSet<string>();
        var pending = new Stack<string>([root]);
        while (pending.TryPop(out var name))
            if (reached.Add(name) && libraries.TryGetValue(name, out var next)) foreach (var n in next) pending.Push(n);
        return reached;
    }
}
