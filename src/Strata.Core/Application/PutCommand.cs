using Strata.Access;
using Strata.Engine;

namespace Strata.Application;

/// <summary>Stores one value at one scope.</summary>
internal sealed class PutCommand(SettingsEngine engine, CommandAudit audit)
{
    /// <summary>
    /// Commits <paramref name="change"/>. With <paramref name="readBack"/>, also answers what a read of the key now
    /// gets when the caller may read: it can differ from the value written (a higher layer may win), and a caller
    /// that may only write is not told.
    /// </summary>
    public async Task<PutResult> RunAsync(Caller caller, Change change, string? comment = null, bool readBack = false)
    {
        await audit.DemandAsync(caller, Permission.Write, change.Namespace).ConfigureAwait(false);
        var result = await engine.CommitAsync(caller.Changes([change], comment)).ConfigureAwait(false);
        var applied = result.Applied[0];
        var read = readBack && caller.Can(Permission.Read, change.Namespace) ? engine.Get(change.Namespace, change.Key) : null;
        return new PutResult(result.Revision, applied, engine.Registry.IsSensitive(applied.Namespace, applied.Key), read);
    }
}
