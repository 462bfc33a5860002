using Strata.Engine;
using Strata.Naming;
using Strata.Watch;

namespace Strata.Mqtt;

/// <summary>
/// The retained message of one namespace (docs/bridges.md): the namespace's whole state at global scope as of a
/// revision, the keys that revision changed, signed like every watch event. Secrets are left out (named in
/// <c>withheld</c>), so nothing sensitive reaches the broker.
/// </summary>
internal static class NamespaceMessage
{
    public const string Updated = "updated", State = "state", Reloaded = "reloaded";

    public static byte[] Render(SettingsEngine engine, Snapshot state, string ns, string kind, long revision, long at, IReadOnlyCollection<string> changed) =>
        SignedJson.Write(engine.Signing, (engine, state, ns, kind, revision, at, changed), static (w, m) =>
        {
            w.WriteString("event", m.kind);
            w.WriteNumber("revision", m.revision);
            SignedJson.Time(w, "at", m.at);
            w.WriteString("namespace", m.ns.ToLowerInvariant());
            w.WriteString("keyId", m.engine.Signing.KeyId);
            w.WriteStartArray("changed");
            foreach (var key in m.changed) w.WriteStringValue(key);
            w.WriteEndArray();
            List<string>? withheld = null;
            w.WriteStartObject("values");
            foreach (var setting in m.engine.GetNamespace(m.state, m.ns, ScopeChain.GlobalOnly))
            {
                if (setting.Sensitive || setting.Stored?.Unreadable is not null)
                {
                    (withheld ??= []).Add(setting.Key);
                    continue;
                }
                w.WritePropertyName(setting.Key);
                setting.Value.WriteTo(w);
            }
            w.WriteEndObject();
            w.WriteStartArray("withheld");
            foreach (var key in withheld ?? []) w.WriteStringValue(key);
            w.WriteEndArray();
        });

    /// <summary>The keys of <paramref name="ns"/> a commit touched, each once, in commit order.</summary>
    public static IReadOnlyCollection<string> ChangedKeys(ChangeEvent e, string ns)
    {
        var keys = new List<string>();
        var seen = new HashSet<string>(Names.Comparer);
        foreach (var change in e.Changed)
            if (Names.Comparer.Equals(change.Namespace, ns) && seen.Add(change.Key)) keys.Add(change.Key);
        return keys;
    }

    /// <summary>The namespaces a commit touched, each once, in commit order.</summary>
    public static IEnumerable<string> Namespaces(ChangeEvent e) => e.Changed.Select(c => c.Namespace).Distinct(Names.Comparer);
}
