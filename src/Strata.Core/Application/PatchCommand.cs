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

    /// <summary>The errors <see cref="RunAsync"/> would refuse the set for, by the same rules and messages; nothing is committed or audited.</summary>
    public IReadOnlyList<Validation.ValidationError> Validate(Caller caller, IReadOnlyList<Change> changes, string? comment = null) =>
        engine.Validate(caller.Changes(changes, comment));
}
