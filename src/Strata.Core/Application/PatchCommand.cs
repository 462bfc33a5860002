using Strata.Engine;

namespace Strata.Application;

/// <summary>Commits changes to any keys of any namespaces atomically, as one revision.</summary>
internal sealed class PatchCommand(SettingsEngine engine, CommandAudit audit)
{
    /// <summary>Refuses the whole set when the caller may not write one of its namespaces.</summary>
    public async Task<CommitResult> RunAsync(Caller caller, IReadOnlyList<Change> changes, string? comment = null)
    {
        await audit.DemandWritableAsync(caller, changes).ConfigureAwait(false);
        return await engine.CommitAsync(caller.Changes(changes, comment)).ConfigureAwait(false);
    }
}
