namespace Strata.Storage;

/// <summary>
/// The current state of one override. <see cref="Value"/> is raw JSON; null marks a reset (a tombstone that keeps
/// the per-key version counting, so an ETag is never reused for a different value).
/// </summary>
internal sealed record StoredEntry(
    string Namespace, string Key, string Scope, string? Value, long Version, long CreatedAt, long UpdatedAt, long Revision)
{
    /// <summary>
    /// Set on an entry read back whose secret could not be decrypted: why. Its value is then the mask, so that a
    /// point-in-time read still answers (secrets are masked there anyway); anything that needs the value refuses.
    /// </summary>
    public string? Unreadable { get; init; }
}

/// <summary>
/// One change as committed and as kept in history. Times are Unix milliseconds. <see cref="PreviousRevision"/> (the
/// key's last change, 0 for none) and <see cref="CreatedAt"/> (when the live value was first set) are known to the
/// writer and only stored; history reads leave them 0.
/// </summary>
internal sealed record ChangeRecord(
    long Revision, string Namespace, string Key, string Scope, long Version,
    string? OldValue, string? NewValue, string Actor, long At, string? Comment,
    long PreviousRevision = 0, long CreatedAt = 0)
{
    /// <summary>
    /// Set on a record read back whose secret could not be decrypted: why (naming the key id, never a value). Its
    /// values are then still the stored envelopes, and must be masked.
    /// </summary>
    public string? Unreadable { get; init; }
}

/// <summary>
/// Everything a store holds now: the live and reset entries, the last committed revision, and the time of the last
/// history record or audit event (Unix ms; 0 when there is none), which later commits must not go below.
/// </summary>
internal sealed record StoreContents(IReadOnlyList<StoredEntry> Entries, long Revision, long LastAt);

/// <summary>Filters for history reads; newest first, at most <see cref="Limit"/> records.</summary>
internal sealed record HistoryQuery(
    string? Namespace = null, string? Key = null, string? Scope = null, long? BeforeRevision = null, int Limit = 100);

/// <summary>What readiness reports about a store.</summary>
internal sealed record StoreStatus(string Kind, int SchemaVersion, int LatestSchemaVersion)
{
    public int PendingMigrations => LatestSchemaVersion - SchemaVersion;
}

/// <summary>A data key as stored: <see cref="Wrapped"/> is the key encrypted by the master key (empty once retired).</summary>
internal sealed record DataKeyRecord(string Id, string Wrapped, string State, long CreatedAt)
{
    public const string Active = "active";
    public const string Retiring = "retiring";
    public const string Retired = "retired";
}

/// <summary>
/// Rewrites one stored value (plain JSON or an envelope) of namespace/key@scope at a version into another text; the
/// same text when it has nothing to do.
/// </summary>
internal delegate string SecretRewriter(string ns, string key, string scope, long version, string text);

/// <summary>An API token as stored: <see cref="SecretHash"/> is hex SHA-256 of its secret; grants are <c>permission:pattern</c> lines.</summary>
internal sealed record TokenRecord(
    string Id, string Name, string SecretHash, IReadOnlyList<string> Grants, long CreatedAt,
    long? ExpiresAt = null, long? LastUsedAt = null, long? RevokedAt = null);

/// <summary>
/// One audit event. <see cref="Detail"/> is JSON (masked old and new values, comment, reason) and never holds a
/// secret. <see cref="Id"/> is assigned by the store.
/// </summary>
internal sealed record AuditRecord(
    long Id, long At, string Actor, string Action, string Outcome, string? Namespace = null, string? Key = null,
    string? Scope = null, string? Client = null, string? RequestId = null, string? Detail = null);

/// <summary>Filters for audit reads, newest first; times are Unix milliseconds, <see cref="BeforeId"/> pages.</summary>
internal sealed record AuditQuery(
    string? Actor = null, string? Action = null, string? Namespace = null, string? Key = null,
    long? From = null, long? To = null, long? BeforeId = null, int Limit = 100);
