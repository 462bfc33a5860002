namespace Strata.Client.Contracts;

/// <summary>One commit on the change feed, as the <c>data</c> of a watch stream's <c>change</c> event. Signed.</summary>
/// <param name="Revision">The commit's revision (also the event's <c>id:</c>).</param>
/// <param name="At">When the commit was made.</param>
/// <param name="Actor">Who made it, for example <c>token:deployer</c>.</param>
/// <param name="Changes">Each changed <c>namespace/key@scope</c> the stream watches.</param>
/// <param name="Signature">Base64 of the Ed25519 signature over the document's bytes before <c>,"signature":</c>.</param>
/// <param name="View">What the stream asked for: signed with the event, so an event of another stream cannot pass for one of this.</param>
public sealed record ChangeEvent(long Revision, DateTimeOffset At, string Actor, IReadOnlyList<ChangeEntry> Changes, string Signature,
    WatchViewDocument? View = null);
