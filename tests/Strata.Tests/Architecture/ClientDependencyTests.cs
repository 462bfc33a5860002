using System.Reflection;
using Strata.Client;

namespace Strata.Tests.Architecture;

/// <summary>Strata.Client is what services reference: it carries no server, no ASP.NET Core, no SQLite, no YAML.</summary>
public sealed class ClientDependencyTests
{
    private static readonly Assembly Client = typeof(StrataClientOptions).Assembly;

    private static readonly string[] Forbidden = ["Strata.Core", "strata", "Microsoft.AspNetCore", "Microsoft.Data.Sqlite", "SQLitePCLRaw", "YamlDotNet"];

    [Fact]
    public void The_client_assembly_references_no_server_web_sqlite_or_yaml_assembly()
    {
        var references = Client.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        var offences = references.Where(r => Forbidden.Any(f => r == f || r.StartsWith(f + ".", StringComparison.Ordinal))).ToList();

        Assert.True(offences.Count == 0, "Strata.Client references " + string.Join(", ", offences));
        // The check reads real references: the client does reference configuration and NSec.
        Assert.Contains("Microsoft.Extensions.Configuration.Abstractions", references);
        Assert.Contains("NSec.Cryptography", references);
    }

    [Fact]
    public void Nothing_the_client_package_brings_in_is_a_server_web_sqlite_or_yaml_package()
    {
        // What a service restoring Strata.Client gets, transitively, whether or not the client's code uses it.
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Strata.Tests.deps.json")));
        var libraries = json.RootElement.GetProperty("targets").EnumerateObject().First().Value.EnumerateObject()
            .ToDictionary(p => p.Name[..p.Name.IndexOf('/')], p => p.Value.TryGetProperty("dependencies", out var d)
                ? d.EnumerateObject().Select(x => x.Name).ToList() : []);
        var reached = new HashSet<string>();
        var pending = new Stack<string>(["Strata.Client"]);
        while (pending.TryPop(out var name))
            if (reached.Add(name) && libraries.TryGetValue(name, out var next)) foreach (var n in next) pending.Push(n);

        Assert.Contains("NSec.Cryptography", reached);
        Assert.Contains("Microsoft.Extensions.Primitives", reached); // only reached through another package
        Assert.DoesNotContain(reached, n => Forbidden.Any(f => n == f || n.StartsWith(f + ".", StringComparison.Ordinal)));
    }
}
