using Strata.Access;
using Strata.Engine;

namespace Strata.Application;

/// <summary>What commands write to the audit log, refusals included, and the permission checks that refuse.</summary>
internal sealed class CommandAudit(SettingsEngine engine)
{
    /// <summary>Records an event durably before the command goes on. <paramref name="detail"/> becomes JSON; never pass a secret.</summary>
    public Task RecordAsync(Caller caller, string action, string outcome, string? ns = null, string? key = null, object? detail = null) =>
        engine.AuditAsync(caller.Event(engine.Now, action, outcome, ns, key, detail));

    /// <summary>Audits a refusal: durably, or counted into a summary row of its source under a flood.</summary>
    public Task RefuseAsync(Caller caller, string permission, string? ns, string reason)
    {
        var (method, path) = (caller.Method, caller.Path);
        var denied = caller.Event(engine.Now, "access.denied", "denied", ns, detail: new { permission, reason, method, path });
        return engine.Denials.RecordAsync(denied, caller.Source, reason, permission, method, path);
    }

    /// <summary>Goes on when the caller has <paramref name="permission"/> on <paramref name="ns"/>; otherwise audits the refusal and throws <see cref="PermissionDeniedException"/>.</summary>
    public Task DemandAsync(Caller caller, string permission, string ns) =>
        caller.Can(permission, ns) ? Task.CompletedTask : DenyAsync(caller, permission, ns);

    /// <summary>
    /// For change sets that span namespaces: goes on when the caller may write every one, otherwise refuses the whole
    /// set, naming the first namespace it may not write. Never part of a set.
    /// </summary>
    public Task DemandWritableAsync(Caller caller, IEnumerable<Change> changes)
    {
        foreach (var change in changes)
            if (!caller.Can(Permission.Write, change.Namespace)) return DenyAsync(caller, Permission.Write, change.Namespace);
        return Task.CompletedTask;
    }

    private async Task DenyAsync(Caller caller, string permission, string ns)
    {
        await RefuseAsync(caller, permission, ns, "missing permission").ConfigureAwait(false);
        throw new PermissionDeniedException(permission, ns);
    }
}
