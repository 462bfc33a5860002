using Strata.Access;
using Strata.Resolution;

namespace Strata.Application;

/// <summary>Lets a caller see secrets of a namespace in clear: checked, and audited per secret shown.</summary>
internal sealed class RevealCommand(CommandAudit audit)
{
    /// <summary>
    /// Goes on when the caller may see <paramref name="settings"/> of <paramref name="ns"/> in clear, once each
    /// sensitive one is audited as revealed. Throws when it lacks secrets.reveal (the refusal audited) or one of them
    /// cannot be decrypted.
    /// </summary>
    public async Task RunAsync(Caller caller, string ns, IReadOnlyList<ResolvedSetting> settings)
    {
        await audit.DemandAsync(caller, Permission.Reveal, ns).ConfigureAwait(false);
        if (settings.FirstOrDefault(s => s.Stored?.Unreadable is not null) is { Stored.Unreadable: { } unreadable })
            throw new UnreadableValueException(unreadable);
        foreach (var s in settings.Where(s => s.Sensitive))
            await audit.RecordAsync(caller, "secret.reveal", "ok", s.Namespace, s.Key,
                detail: new { scope = s.Stored?.Scope, source = LayerNames.Of(s.Source) }).ConfigureAwait(false);
    }
}
