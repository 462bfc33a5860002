namespace Strata;

/// <summary>A commit seen by a <see cref="StrataSettings.OnChange"/> handler: its revision and the keys it changed there.</summary>
/// <param name="Revision">The revision committed (or, after a reload, the store's revision).</param>
/// <param name="Keys">The changed keys the handler asked about; empty after a reload.</param>
/// <param name="Reloaded">The store was re-read: any value may have changed.</param>
public sealed record StrataChange(long Revision, IReadOnlyList<StrataChangedKey> Keys, bool Reloaded);

/// <summary>One changed key: the scope written and the key's new version there.</summary>
/// <param name="Namespace">The namespace.</param>
/// <param name="Key">The key.</param>
/// <param name="Scope">The scope written or reset.</param>
/// <param name="Version">The key's version at that scope after the change.</param>
public sealed record StrataChangedKey(string Namespace, string Key, string Scope, long Version);
