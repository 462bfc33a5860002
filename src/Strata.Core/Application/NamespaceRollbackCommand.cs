using System.Text.Json;
using Strata.Access;
using Strata.Engine;
using Strata.Naming;
using Strata.Validation;

namespace Strata.Application;

/// <summary>Returns every override of a namespace to its state at an earlier revision, as one new revision.</summary>
internal sealed class NamespaceRollbackCommand(SettingsEngine engine, CommandAudit audit)
{
    /// <summary>
    /// Each change is conditional on the version its key is at now: a write in between is a version conflict, not
    /// overwritten. Nothing to return to changes nothing; a secret of that state that cannot be decrypted stops it all.
    /// </summary>
    public async Task<CommitResult> RunAsync(Caller caller, string ns, long revision, string? comment = null, CancellationToken ct = default)
    {
        if (Names.Check(ns, "Namespace") is { } nameError) throw Invalid("namespace", "name", nameError);
        if (revision > engine.Current.Revision)
            throw Invalid("revision", "range", $"Revision {revision} is in the future; the current one is {engine.Current.Revision}.");
        await audit.DemandAsync(caller, Permission.Write, ns).ConfigureAwait(false);

        var now = engine.Current;
        var then = await engine.SnapshotAtAsync(ns, revision, ct).ConfigureAwait(false);
        var changes = SnapshotComparison.Compare(now, then, ns, engine.Registry, inClear: false)
            .Select(c => new Change(ns, c.Key, c.Scope,
                c.New is null ? null : JsonSerializer.Deserialize<JsonElement>(c.New),
                now.Find(ns, c.Key)?.At(c.Scope)?.Version ?? 0))
            .ToList();
        if (changes.Count == 0) return new CommitResult(now.Revision, []);
        if (changes.Select(c => then.Find(ns, c.Key)?.At(c.Scope)?.Unreadable).FirstOrDefault(u => u is not null) is { } unreadable)
            throw new UnreadableValueException(unreadable);
        return await engine.CommitAsync(caller.Changes(changes, comment ?? $"rollback of {ns} to revision {revision}")).ConfigureAwait(false);
    }

    private static SettingsValidationException Invalid(string field, string rule, string message) => new([new ValidationError(field, rule, message)]);
}
