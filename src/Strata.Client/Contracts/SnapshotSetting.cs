using System.Text.Json;

namespace Strata.Client.Contracts;

/// <summary>One resolved setting in a <see cref="SnapshotDocument"/>.</summary>
/// <param name="Namespace">The setting's namespace.</param>
/// <param name="Key">The setting's key in its namespace.</param>
/// <param name="Value">The resolved value, any JSON; <c>"********"</c> when <paramref name="Masked"/>.</param>
/// <param name="Source">Where the value comes from: <c>override</c>, <c>environment</c>, <c>yaml</c> or <c>default</c>.</param>
/// <param name="Scope">The scope of the layer the value was resolved from.</param>
/// <param name="Version">The key's version at that scope.</param>
/// <param name="Sensitive">Whether the setting is declared sensitive.</param>
/// <param name="Masked">True when the value is withheld because the caller may not reveal it.</param>
public sealed record SnapshotSetting(string Namespace, string Key, JsonElement Value, string Source, string Scope,
    long Version, bool Sensitive, bool Masked = false);
