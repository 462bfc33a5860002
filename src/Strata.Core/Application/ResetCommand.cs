using Strata.Access;
using Strata.Engine;
using Strata.Naming;

namespace Strata.Application;

/// <summary>Removes the override at one scope, so the key falls back to the layers below.</summary>
internal sealed class ResetCommand(SettingsEngine engine, CommandAudit audit)
{
    public async Task<ResetResult> RunAsync(Caller caller, string ns, string key, string scope, long? expectedVersion)
    {
        await audit.DemandAsync(caller, Permission.Write, ns).ConfigureAwait(false);
        var result = await engine.CommitAsync(caller.Changes([new Change(ns, key, scope, null, expectedVersion)])).ConfigureAwait(false);
        var applied = result.Applied.Count > 0 ? result.Applied[0] : null;
        return new ResetResult(result.Revision, applied, applied?.Namespace ?? ns, applied?.Key ?? key, applied?.Scope ?? Scope.TryNormalize(scope, out _));
    }
}
