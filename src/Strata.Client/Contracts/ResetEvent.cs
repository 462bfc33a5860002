namespace Strata.Client.Contracts;

/// <summary>A watch stream's <c>reset</c>: the resume point cannot be replayed; load a snapshot and resume from its revision. Signed.</summary>
/// <param name="Revision">The server's current revision.</param>
/// <param name="Reason">Why the resume point cannot be replayed.</param>
/// <param name="Signature">Base64 of the Ed25519 signature over the document's bytes before <c>,"signature":</c>.</param>
public sealed record ResetEvent(long Revision, string Reason, string Signature);
