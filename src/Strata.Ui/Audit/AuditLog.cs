using Strata.Storage;

namespace Strata.Ui.Audit;

/// <summary>
/// One page of the audit log, newest first, under <see cref="Filter"/>. <see cref="OlderPage"/> is the cursor of the
/// next (older) page when there is one; <see cref="FirstPage"/> whether this page starts at the newest event.
/// </summary>
internal sealed record AuditLog(AuditFilter Filter, IReadOnlyList<AuditRecord> Events, long? OlderPage, bool FirstPage)
{
    /// <summary>Suggestions for the action filter: the actions Strata writes.</summary>
    public static readonly string[] KnownActions =
    [
        "setting.set", "setting.reset", "secret.reveal", "secret.export", "secret.classify", "secret.declassify",
        "access.denied", "token.create", "token.revoke", "key.rotate", "config.reload", "audit.prune",
    ];
}
