using Strata.Engine;
using Strata.Http;
using Strata.Naming;
using Strata.Resolution;
using Strata.Security;
using Strata.Watch;

namespace Strata.Redis;

/// <summary>
/// What the bridge writes, signed as docs/watch.md signs a snapshot: the state of one revision, resolved at global
/// scope, in the shape of <c>GET /api/v1/snapshot</c> (so <c>Strata.Client</c> verifies and reads it as one), with
/// sensitive settings left out; and seed 003's channel message.
/// </summary>
internal sealed class RedisDocuments(SettingsEngine engine)
{
    private static readonly string[] GlobalScope = [Scope.Global];

    /// <summary>Every namespace's resolved settings of <paramref name="state"/>, sensitive ones included (callers leave them out of what they write).</summary>
    internal List<(string Namespace, List<ResolvedSetting> Settings)> Resolve(Snapshot state) =>
        [.. engine.NamespaceNames(state).Select(ns => (ns, engine.GetNamespace(state, ns, ScopeChain.GlobalOnly)))];

    internal byte[] Snapshot(long revision, long at, IReadOnlyList<(string Namespace, List<ResolvedSetting> Settings)> namespaces) =>
        SignedJson.Write(engine.Signing, (revision, at, namespaces), static (w, s) =>
        {
            w.WriteNumber("revision", s.revision);
            SignedJson.Time(w, "at", s.at);
            w.WriteStartArray("namespaces");
            foreach (var (ns, _) in s.namespaces) w.WriteStringValue(ns);
            w.WriteEndArray();
            w.WriteStartArray("scopes");
            foreach (var scope in GlobalScope) w.WriteStringValue(scope);
            w.WriteEndArray();
            w.WriteStartArray("settings");
            // Left out, not masked: Redis is readable by whoever reaches it, and a service that needs a secret reads it
            // from the server with secrets.reveal (docs/bridges.md).
            foreach (var (_, settings) in s.namespaces)
                foreach (var setting in settings)
                    if (!setting.Sensitive) SettingJson.Write(w, setting);
            w.WriteEndArray();
        });

    /// <summary>Seed 003's <c>{"event":…,"version":…,"changed":[…]}</c>, keys named <c>namespace/key</c>, signed.</summary>
    internal byte[] Message(string kind, long revision, IEnumerable<string> changed) =>
        SignedJson.Write(engine.Signing, (kind, revision, changed), static (w, s) =>
        {
            w.WriteString("event", s.kind);
            w.WriteNumber("version", s.revision);
            w.WriteStartArray("changed");
            foreach (var name in s.changed) w.WriteStringValue(name);
            w.WriteEndArray();
        });

    internal static IEnumerable<string> Changed(ChangeEvent change) =>
        change.Changed.Select(c => Name(c.Namespace, c.Key)).Distinct(Names.Comparer);

    internal static IEnumerable<string> Every(IEnumerable<(string Namespace, List<ResolvedSetting> Settings)> namespaces) =>
        namespaces.SelectMany(n => n.Settings.Select(s => Name(s.Namespace, s.Key)));

    private static string Name(string ns, string key) => $"{ns}/{key}";
}
