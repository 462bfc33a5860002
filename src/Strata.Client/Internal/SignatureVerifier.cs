using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using NSec.Cryptography;

namespace Strata.Client.Internal;

/// <summary>
/// Checks the trailing-signature rule of docs/watch.md: a signed document ends with <c>,"signature":"</c>, 88 base64
/// characters and <c>"}</c> (104 bytes), and the signature is over the exact bytes before that suffix.
/// </summary>
internal sealed class SignatureVerifier
{
    internal const int SuffixLength = 104;
    private const int SignatureLength = 64;
    private const int EncodedLength = 88;
    private static ReadOnlySpan<byte> Opening => ",\"signature\":\""u8;
    private static ReadOnlySpan<byte> Closing => "\"}"u8;

    private readonly PublicKey _key;

    internal SignatureVerifier(PublicKey key)
    {
        _key = key;
        // As GET /api/v1/signing-key names it: the first 8 bytes of SHA-256 over the raw public key.
        KeyId = Convert.ToHexStringLower(SHA256.HashData(key.Export(KeyBlobFormat.RawPublicKey))[..8]);
    }

    /// <summary>The pinned key's id.</summary>
    internal string KeyId { get; }

    /// <summary>Parses a pinned key (base64 of the 32 raw bytes); throws naming the option when it is not one.</summary>
    internal static SignatureVerifier FromBase64(string? publicKey)
    {
        if (string.IsNullOrWhiteSpace(publicKey))
            throw new InvalidOperationException("StrataClientOptions.SigningKey is required: set it to the server's public key (publicKey of GET /api/v1/signing-key).");
        Span<byte> raw = stackalloc byte[32];
        if (!Convert.TryFromBase64String(publicKey.Trim(), raw, out var written) || written != raw.Length
            || !PublicKey.TryImport(SignatureAlgorithm.Ed25519, raw, KeyBlobFormat.RawPublicKey, out var key) || key is null)
            throw new InvalidOperationException("StrataClientOptions.SigningKey is not an Ed25519 public key: it must be base64 of 32 bytes, as publicKey of GET /api/v1/signing-key.");
        return new SignatureVerifier(key);
    }

    /// <summary>True when <paramref name="document"/> ends with a well-formed signature suffix that verifies over the bytes before it.</summary>
    internal bool Verify(ReadOnlySpan<byte> document)
    {
        if (document.Length < SuffixLength + 2) return false;
        var suffix = document[^SuffixLength..];
        if (!suffix.StartsWith(Opening) || !suffix.EndsWith(Closing)) return false;

        Span<byte> signature = stackalloc byte[SignatureLength];
        var encoded = suffix.Slice(Opening.Length, EncodedLength);
        if (Base64.DecodeFromUtf8(encoded, signature, out var consumed, out var written) != OperationStatus.Done
            || consumed != EncodedLength || written != SignatureLength)
            return false;
        return SignatureAlgorithm.Ed25519.Verify(_key, document[..^SuffixLength], signature);
    }
}
