using Strata.Access;
using Strata.Engine;
using Strata.Naming;
using Strata.Security;
using Strata.Watch;

namespace Strata.ConfigStore;

/// <summary>
/// Seed 003's message on <c>/config/_watch</c>: <c>{event, version, changed}</c> per commit, keys named as
/// <c>/config</c> names them, only those the caller may read; a reload lists every key.
/// </summary>
internal sealed class ConfigWatchFormat(StrataPrincipal principal, string appNamespace, SigningKey key) : WatchFormat
{
    public override string ChangeEvent => Engine.ChangeEvent.Updated;

    public override string ReloadEvent => Engine.ChangeEvent.Reloaded;

    // The rendering depends only on what the caller may read, so on its grants: not on a token id, which users'
    // sessions and the anonymous principal do not have.
    public override string Key { get; } = "config|" + string.Join(',', principal.Grants);

    public override bool Watches(string ns) => principal.Can(Permission.Read, ns);

    public override byte[] Render(ChangeEvent e)
    {
        var changed = e.Changed.Where(c => Watches(c.Namespace)).Select(c => Name(c.Namespace, c.Key)).Distinct(Names.Comparer).ToList();
        return changed.Count == 0 ? [] : Message(Engine.ChangeEvent.Updated, e.Revision, changed);
    }

    public override byte[]? Reloaded(ChangeEvent e)
    {
        var snapshot = e.Snapshot!;
        var changed = snapshot.NamespaceNames.Where(Watches)
            .SelectMany(ns => snapshot.Namespace(ns)!.All.Where(s => s.HasLiveValue).Select(s => Name(s.Namespace, s.Key)))
            .Order(Names.Comparer).ToList();
        return Message(Engine.ChangeEvent.Reloaded, e.Revision, changed);
    }

    private string Name(string ns, string k) => Names.Comparer.Equals(ns, appNamespace) ? k : $"{ns}/{k}";

    private byte[] Message(string name, long revision, List<string> changed) => SignedJson.Write(key, (name, revision, changed), static (w, s) =>
    {
        w.WriteString("event", s.name);
        w.WriteNumber("version", s.revision);
        w.WriteStartArray("changed");
        foreach (var c in s.changed) w.WriteStringValue(c);
        w.WriteEndArray();
    });
}
