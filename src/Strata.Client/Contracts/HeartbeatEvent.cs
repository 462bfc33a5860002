namespace Strata.Client.Contracts;

/// <summary>A watch stream's <c>heartbeat</c>: the stream is current through <paramref name="Revision"/>. Signed.</summary>
/// <param name="Revision">No watched key changed between the stream's last event and this revision.</param>
/// <param name="At">When the heartbeat was sent.</param>
/// <param name="Signature">Base64 of the Ed25519 signature over the document's bytes before <c>,"signature":</c>.</param>
public sealed record HeartbeatEvent(long Revision, DateTimeOffset At, string Signature);
