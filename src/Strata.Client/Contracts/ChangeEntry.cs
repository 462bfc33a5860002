using System.Text.Json;

namespace Strata.Client.Contracts;

/// <summary>One changed key in a <see cref="ChangeEvent"/>, with its value resolved under the stream's scope chain after the commit.</summary>
/// <param name="Namespace">The key's namespace.</param>
/// <param name="Key">The key.</param>
/// <param name="Scope">The scope the commit changed.</param>
/// <param name="Version">The key's new version at that scope.</param>
/// <param name="Value">The key's resolved value after the commit; absent when <paramref name="Removed"/>.</param>
/// <param name="Source">Where the resolved value comes from; absent when <paramref name="Removed"/>.</param>
/// <param name="Removed">True when nothing is left to resolve: the key no longer has a value.</param>
/// <param name="Masked">True when the value is withheld because the watcher may not reveal it.</param>
/// <param name="Sensitive">True when the setting is sensitive (its value is a secret, in clear or masked).</param>
public sealed record ChangeEntry(string Namespace, string Key, string Scope, long Version, JsonElement Value = default,
    string? Source = null, bool Removed = false, bool Masked = false, bool Sensitive = false);
