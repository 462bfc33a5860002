namespace Strata.Client.Contracts;

/// <summary>Every resolved setting of some namespaces at one revision, as served at <c>GET /api/v1/snapshot</c>. Signed.</summary>
/// <param name="Revision">The server's revision the snapshot was taken at: it includes every commit up to it.</param>
/// <param name="At">When the snapshot was taken.</param>
/// <param name="Namespaces">The namespaces asked for.</param>
/// <param name="Scopes">The scope chain asked for, most specific first, ending with <c>global</c>.</param>
/// <param name="Settings">Every key of those namespaces that resolves to a value under the scope chain.</param>
/// <param name="Signature">Base64 of the Ed25519 signature over the document's bytes before <c>,"signature":</c>.</param>
public sealed record SnapshotDocument(long Revision, DateTimeOffset At, IReadOnlyList<string> Namespaces, IReadOnlyList<string> Scopes,
    IReadOnlyList<SnapshotSetting> Settings, string Signature);
