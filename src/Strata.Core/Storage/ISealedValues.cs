namespace Strata.Storage;

/// <summary>The log's encrypted values (envelopes), as key rotation and declassification rewrite them.</summary>
internal interface ISealedValues
{
    /// <summary>
    /// Rewrites up to <paramref name="batchSize"/> stored values (current and history) whose text starts with
    /// <paramref name="envelopePrefix"/>, in one transaction that does not wait for the commit loop beyond the
    /// database's own locking, and returns how many records it rewrote (0: none is left). The rewrite must produce a
    /// text without that prefix. A value changed meanwhile by a commit is left alone.
    /// </summary>
    Task<int> ReencryptAsync(string envelopePrefix, SecretRewriter rewrite, int batchSize, CancellationToken ct = default);

    /// <summary>Every namespace/key with at least one encrypted value (an envelope) in its current value or history.</summary>
    Task<IReadOnlyList<(string Namespace, string Key)>> SealedKeysAsync(CancellationToken ct = default);

    /// <summary>
    /// Passes every value of one key's history (all scopes) through <paramref name="rewrite"/> and stores what changed,
    /// in one transaction; returns how many records changed. With <paramref name="maskAudit"/>, when any did, the same
    /// transaction masks the old and new values in that key's change audit events (a setting that became sensitive:
    /// neither copy of its earlier values may stay readable, even after a crash between the two).
    /// </summary>
    Task<int> RewriteKeyHistoryAsync(string ns, string key, SecretRewriter rewrite, bool maskAudit = false, CancellationToken ct = default);

    /// <summary>How many records (current values and history) hold a value starting with <paramref name="envelopePrefix"/>.</summary>
    Task<long> CountEncryptedAsync(string envelopePrefix, CancellationToken ct = default);
}
