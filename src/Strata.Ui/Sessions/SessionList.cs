namespace Strata.Ui.Sessions;

/// <summary>Every open session, for an admin: who, how it was opened, from where, and when it ends.</summary>
internal sealed record SessionList(IReadOnlyList<SessionRow> Sessions, string? CurrentSessionId, string? Notice);

/// <summary>One open session. <see cref="Who"/> is the user's name or the token's.</summary>
internal sealed record SessionRow(string Id, string Who, string Kind, DateTimeOffset Created, DateTimeOffset LastSeen, DateTimeOffset Ends,
    string? Client, string? UserAgent);
