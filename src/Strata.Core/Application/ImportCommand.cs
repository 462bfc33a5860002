using Strata.Engine;

namespace Strata.Application;

/// <summary>
/// Applies the overrides of an export document atomically. Values a key already has are left out, so importing the
/// same document twice makes no second revision.
/// </summary>
internal sealed class ImportCommand(SettingsEngine engine, CommandAudit audit)
{
    /// <summary>Refuses the whole document when the caller may not write one of its namespaces; an empty one changes nothing.</summary>
    public async Task<CommitResult> RunAsync(Caller caller, IReadOnlyList<Change> changes, string? comment = null)
    {
        await audit.DemandWritableAsync(caller, changes).ConfigureAwait(false);
        if (changes.Count == 0) return new CommitResult(engine.Current.Revision, []);
        var set = caller.Changes(changes, comment ?? "import") with { SkipUnchanged = true };
        return await engine.CommitAsync(set).ConfigureAwait(false);
    }
}
