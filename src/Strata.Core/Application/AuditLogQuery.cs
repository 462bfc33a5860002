using Strata.Access;
using Strata.Engine;
using Strata.Storage;

namespace Strata.Application;

/// <summary>Reads the audit log, newest first, filtered and paged: for callers with admin on every namespace, as the API's audit endpoint.</summary>
internal sealed class AuditLogQuery(SettingsEngine engine, CommandAudit audit)
{
    public async Task<IReadOnlyList<AuditRecord>> RunAsync(Caller caller, AuditQuery query, CancellationToken ct = default)
    {
        await audit.DemandAsync(caller, Permission.Admin, "*").ConfigureAwait(false);
        return await engine.AuditLog.AuditAsync(query, ct).ConfigureAwait(false);
    }
}
