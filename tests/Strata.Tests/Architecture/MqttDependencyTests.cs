using System.Reflection;
using System.Text.Json;
using Strata.Client;

namespace Strata.Tests.Architecture;

/// <summary>
/// MQTT is a dependency only of what asks for it: the client transport brings MQTTnet and Strata.Client, never the
/// server; the server bridge sits beside Strata.Core, which never references MQTTnet.
/// </summary>
public sealed class MqttDependencyTests
{
    private static readonly Assembly ClientTransport = typeof(StrataMqttClientOptions).Assembly;
    private static readonly Assembly Bridge = typeof(StrataMqttOptions).Assembly;
    private static readonly Assembly Core = typeof(StrataOptions).Assembly;

    private static readonly string[] Server = ["Strata.Core", "strata", "Strata.Mqtt", "Strata.Ui", "Microsoft.AspNetCore", "Microsoft.Data.Sqlite", "SQLitePCLRaw", "YamlDotNet"];

    [Fact]
    public void The_mqtt_client_transport_references_the_client_and_mqttnet_and_nothing_of_the_server()
    {
        var references = Names(ClientTransport);

        Assert.DoesNotContain(references, IsServer);
        Assert.Contains("Strata.Client", references);
        Assert.Contains("MQTTnet", references);
    }

    [Fact]
    public void Nothing_the_mqtt_client_package_brings_in_is_a_server_package()
    {
        var reached = Reached("Strata.Client.Mqtt");

        Assert.Contains("MQTTnet", reached);
        Assert.Contains("NSec.Cryptography", reached); // through Strata.Client: the walk does follow references
        Assert.DoesNotContain(reached, IsServer);
    }

    [Fact]
    public void Strata_core_neither_references_nor_brings_in_mqttnet()
    {
        Assert.DoesNotContain("MQTTnet", Names(Core));
        Assert.DoesNotContain("MQTTnet", Reached("Strata.Core"));
        Assert.DoesNotContain("MQTTnet", Reached("Strata.Client"));
    }

    [Fact]
    public void The_bridge_builds_on_strata_core_and_mqttnet_only()
    {
        var references = Names(Bridge);

        Assert.Contains("Strata.Core", references);
        Assert.Contains("MQTTnet", references);
        Assert.DoesNotContain(references, r => r is "strata" or "Strata.Ui" or "Strata.Client.Mqtt" || r.StartsWith("StackExchange", StringComparison.Ordinal));
    }

    private static List<string> Names(Assembly assembly) => assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

    private static bool IsServer(string name) => Server.Any(f => name == f || name.StartsWith(f + ".", StringComparison.Ordinal));

    /// <summary>Every library a project brings in transitively, read from the tests' deps.json.</summary>
    private static HashSet<string> Reached(string project)
    {
        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Strata.Tests.deps.json")));
        var libraries = json.RootElement.GetProperty("targets").EnumerateObject().First().Value.EnumerateObject()
            .ToDictionary(p => p.Name[..p.Name.IndexOf('/')], p => p.Value.TryGetProperty("dependencies", out var d)
                ? d.EnumerateObject().Select(x => x.Name).ToList() : []);
        Assert.True(libraries.ContainsKey(project), $"{project} is not in the tests' deps.json.");
        var reached = new HashSet<string>();
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out var name))
            if (reached.Add(name) && libraries.TryGetValue(name, out var next)) foreach (var n in next) pending.Push(n);
        return reached;
    }
}
