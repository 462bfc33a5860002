using Strata.Access;
using Strata.Engine;
using Strata.Naming;
using Strata.Validation;

namespace Strata.Application;

/// <summary>The overrides of a namespace that differ between two revisions.</summary>
internal sealed class DiffQuery(SettingsEngine engine, CommandAudit audit)
{
    /// <summary>
    /// From <paramref name="from"/> to <paramref name="to"/> (the current revision when null). A secret compared in
    /// clear would answer "is it still X?" to anyone who can write X: without secrets.reveal, every write of a
    /// sensitive setting is a difference, equal value or not.
    /// </summary>
    public async Task<NamespaceDiff> RunAsync(Caller caller, string ns, long from, long? to = null, CancellationToken ct = default)
    {
        if (Names.Check(ns, "Namespace") is { } nameError) throw Invalid("namespace", "name", nameError);
        await audit.DemandAsync(caller, Permission.Read, ns).ConfigureAwait(false);
        var current = engine.Current.Revision;
        var end = to ?? current;
        if (Math.Max(from, end) > current)
            throw Invalid(from > current ? "from" : "to", "range", $"Revision {Math.Max(from, end)} is in the future; the current one is {current}.");
        var before = await engine.SnapshotAtAsync(ns, from, ct).ConfigureAwait(false);
        var after = await engine.SnapshotAtAsync(ns, end, ct).ConfigureAwait(false);
        var changes = SnapshotComparison.Compare(before, after, ns, engine.Registry, inClear: caller.Can(Permission.Reveal, ns));
        return new NamespaceDiff(ns, from, end, changes);
    }

    private static SettingsValidationException Invalid(string field, string rule, string message) => new([new ValidationError(field, rule, message)]);
}
