namespace Strata.Storage;

/// <summary>
/// A signed-in session: of a user (<see cref="UserId"/>) or of the API token it was opened with (<see cref="TokenId"/>).
/// It ends <see cref="IdleTimeout"/> ms after <see cref="LastSeenAt"/>, at <see cref="ExpiresAt"/>, or when revoked.
/// </summary>
internal sealed record SessionRecord(
    string Id, string? UserId, string? TokenId, long CreatedAt, long LastSeenAt, long IdleTimeout, long ExpiresAt,
    string? Client, string? UserAgent, long? RevokedAt = null)
{
    /// <summary>When it ends if nothing revokes it: idle or absolute, whichever is first.</summary>
    public long EndsAt => Math.Min(LastSeenAt + IdleTimeout, ExpiresAt);

    public bool IsActiveAt(long now) => RevokedAt is null && now < EndsAt;
}
