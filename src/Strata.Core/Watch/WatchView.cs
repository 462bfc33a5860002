using System.Text.Json;
using Strata.Engine;
using Strata.Http;
using Strata.Naming;
using Strata.Resolution;

namespace Strata.Watch;

/// <summary>
/// What one stream sees: namespaces, optionally keys, the scope chain values resolve under, and the namespaces whose
/// secrets it may see in clear. Streams with equal views share each event's bytes (<see cref="Key"/>).
/// </summary>
internal sealed class WatchView : WatchFormat
{
    private readonly WatchRendering _rendering;
    private readonly HashSet<string> _namespaces;
    private readonly HashSet<string>? _keys;
    private readonly HashSet<string> _reveal;
    private readonly HashSet<string> _scopes;

    public WatchView(IEnumerable<string> namespaces, IEnumerable<string>? keys, ScopeChain chain, IEnumerable<string> reveal, WatchRendering rendering)
    {
        _rendering = rendering;
        _namespaces = new HashSet<string>(namespaces, Names.Comparer);
        _keys = keys is null ? null : new HashSet<string>(keys, Names.Comparer);
        _reveal = new HashSet<string>(reveal, Names.Comparer);
        _scopes = new HashSet<string>(chain.Scopes, Names.Comparer);
        Chain = chain;
        Namespaces = [.. _namespaces.Order(Names.Comparer)];
        Key = string.Join('|', string.Join(',', Namespaces.Select(n => n.ToLowerInvariant())),
            _keys is null ? "*" : string.Join(',', _keys.Select(k => k.ToLowerInvariant()).Order(StringComparer.Ordinal)),
            chain, string.Join(',', _reveal.Select(n => n.ToLowerInvariant()).Order(StringComparer.Ordinal)));
    }

    public IReadOnlyList<string> Namespaces { get; }
    public ScopeChain Chain { get; }
    public override string Key { get; }

    public override string ChangeEvent => "change";

    public override bool Watches(string ns) => _namespaces.Contains(ns);

    public bool Reveals(string ns) => _reveal.Contains(ns);

    /// <summary>Whether a change is this view's business: its namespace, one of its keys, at a scope of its chain.</summary>
    public bool Sees(ChangedKey change) =>
        _namespaces.Contains(change.Namespace) && (_keys is null || _keys.Contains(change.Key)) && _scopes.Contains(change.Scope);

    /// <summary>Whether delivering <paramref name="e"/> shows a secret in clear; worked out once per event and view.</summary>
    public override bool RevealsSecretIn(ChangeEvent e) =>
        _reveal.Count > 0 && e.Rendered(Key + "|reveals", this, static (ev, view) => view.FindsSecretIn(ev) ? [1] : []).Length > 0;

    private bool FindsSecretIn(ChangeEvent e)
    {
        var resolver = _rendering.Resolver;
        foreach (var change in e.Changed)
            if (Sees(change) && _reveal.Contains(change.Namespace) && Resolve(change, resolver) is { Sensitive: true }) return true;
        return false;
    }

    /// <summary>The <c>change</c> event as this view sees it, signed; empty when none of its changes is this view's.</summary>
    public override byte[] Render(ChangeEvent e)
    {
        if (!e.Changed.Any(Sees)) return [];
        return SignedJson.Write(_rendering.Key, (View: this, Event: e, _rendering.Resolver), static (w, s) =>
        {
            w.WriteNumber("revision", s.Event.Revision);
            SignedJson.Time(w, "at", s.Event.At);
            w.WriteString("actor", s.Event.Actor);
            s.View.WriteView(w);
            w.WriteStartArray("changes");
            foreach (var change in s.Event.Changed)
                if (s.View.Sees(change)) s.View.WriteChange(w, change, s.Resolver);
            w.WriteEndArray();
        });
    }

    /// <summary>What the stream asked for, signed into each event: an event of another view cannot pass for one of this.</summary>
    private void WriteView(Utf8JsonWriter w)
    {
        w.WriteStartObject("view");
        w.WriteStartArray("namespaces");
        foreach (var ns in Namespaces) w.WriteStringValue(ns);
        w.WriteEndArray();
        if (_keys is not null)
        {
            w.WriteStartArray("keys");
            foreach (var key in _keys.Order(StringComparer.OrdinalIgnoreCase)) w.WriteStringValue(key);
            w.WriteEndArray();
        }
        w.WriteStartArray("scopes");
        foreach (var scope in Chain.Scopes) w.WriteStringValue(scope);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private void WriteChange(Utf8JsonWriter w, ChangedKey change, Resolver resolver)
    {
        w.WriteStartObject();
        w.WriteString("namespace", change.Namespace);
        w.WriteString("key", change.Key);
        w.WriteString("scope", change.Scope);
        w.WriteNumber("version", change.Version);
        if (Resolve(change, resolver) is { } resolved)
        {
            var masked = (resolved.Sensitive && !_reveal.Contains(change.Namespace)) || resolved.Stored?.Unreadable is not null;
            SettingJson.WriteValue(w, "value", resolved.Value, masked);
            w.WriteString("source", SettingJson.LayerName(resolved.Source));
            if (resolved.Sensitive) w.WriteBoolean("sensitive", true);
        }
        else w.WriteBoolean("removed", true);
        w.WriteEndObject();
    }

    private ResolvedSetting? Resolve(ChangedKey change, Resolver resolver) =>
        Chain.IsGlobalOnly ? change.State.GlobalResolution(resolver) : resolver.Resolve(change.Namespace, change.Key, change.State, Chain, explain: false);
}
