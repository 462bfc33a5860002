using System.Text.Json;
using Strata.Access;
using Strata.Engine;
using Strata.Naming;
using Strata.Storage;
using Strata.Validation;

namespace Strata.Application;

/// <summary>Sets a key at one scope back to the value of an earlier version, as a new revision.</summary>
internal sealed class KeyRollbackCommand(SettingsEngine engine, CommandAudit audit)
{
    /// <summary>
    /// Conditional on the version the key is at when its history is read: a write in between is a version conflict,
    /// not overwritten. Returning to the value it already has changes nothing.
    /// </summary>
    public async Task<CommitResult> RunAsync(Caller caller, string ns, string key, string scope, long version, string? comment = null, CancellationToken ct = default)
    {
        var normalized = Scope.TryNormalize(scope, out var scopeError)
            ?? throw new SettingsValidationException([new ValidationError("scope", "scope", scopeError!)]);
        await audit.DemandAsync(caller, Permission.Write, ns).ConfigureAwait(false);
        var records = await engine.HistoryAsync(new HistoryQuery(ns, key, normalized, Limit: int.MaxValue), ct).ConfigureAwait(false);
        var target = records.FirstOrDefault(r => r.Version == version)
            ?? throw new NotFoundException($"'{ns}/{key}' at scope {normalized} has no version {version}.");
        if (target.Unreadable is { } unreadable) throw new UnreadableValueException(unreadable);
        var currentVersion = records.Count > 0 ? records[0].Version : 0;
        JsonElement? value = target.NewValue is null ? null : JsonSerializer.Deserialize<JsonElement>(target.NewValue);
        var change = new Change(ns, key, normalized, value, currentVersion);
        var set = caller.Changes([change], comment ?? $"rollback to version {version}") with { SkipUnchanged = true };
        return await engine.CommitAsync(set).ConfigureAwait(false);
    }
}
