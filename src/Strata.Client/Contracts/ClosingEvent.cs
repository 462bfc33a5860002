namespace Strata.Client.Contracts;

/// <summary>A watch stream's <c>closing</c>: the server ends the stream (<c>shutdown</c>, or <c>token</c> when the token
/// was revoked or expired). Signed.</summary>
/// <param name="Reason">Why the stream ends.</param>
/// <param name="RetryAfterMs">How long to wait before reconnecting, in milliseconds.</param>
/// <param name="Signature">Base64 of the Ed25519 signature over the document's bytes before <c>,"signature":</c>.</param>
public sealed record ClosingEvent(string Reason, int RetryAfterMs, string Signature);
