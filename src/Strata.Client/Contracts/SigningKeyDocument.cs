namespace Strata.Client.Contracts;

/// <summary>The server's public signing key, as served at <c>GET /api/v1/signing-key</c>.</summary>
/// <param name="Algorithm">Always <c>Ed25519</c>.</param>
/// <param name="KeyId">The first 8 bytes of SHA-256 over the raw public key, in lower-case hex.</param>
/// <param name="PublicKey">Base64 of the 32-byte raw public key.</param>
public sealed record SigningKeyDocument(string Algorithm, string KeyId, string PublicKey);
