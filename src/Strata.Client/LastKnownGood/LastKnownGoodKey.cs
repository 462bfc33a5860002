using System.Security.Cryptography;
using System.Text;

namespace Strata.Client.LastKnownGood;

/// <summary>
/// The keys a last-known-good file is sealed with, derived with HKDF-SHA256 from the app's <c>LastKnownGoodKey</c>:
/// one for the whole-file HMAC, one for AES-256-GCM over sensitive values, and a short public check value that tells
/// a file written under another key from a tampered one. A key never serves two purposes.
/// </summary>
internal sealed class LastKnownGoodKey
{
    public const int MinimumBytes = 32;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private static readonly byte[] Salt = "strata-lkg"u8.ToArray();

    private readonly byte[] _macKey;
    private readonly byte[] _encryptionKey;

    private LastKnownGoodKey(byte[] secret)
    {
        _macKey = Derive(secret, "strata-lkg/1 mac", 32);
        _encryptionKey = Derive(secret, "strata-lkg/1 encryption", 32);
        Check = Convert.ToHexStringLower(Derive(secret, "strata-lkg/1 key check", 8));
        CryptographicOperations.ZeroMemory(secret);
    }

    /// <summary>16 lower-case hex characters derived from the key; reveals nothing of it, names it in the file's header.</summary>
    public string Check { get; }

    /// <summary>Reads the option's base64 value; the message of a refusal never contains any of it.</summary>
    public static LastKnownGoodKey Parse(string? base64)
    {
        if (string.IsNullOrWhiteSpace(base64))
            throw new ArgumentException("LastKnownGoodKey is empty: set it to the base64 of at least 32 random bytes (for example `openssl rand -base64 32`).", nameof(base64));
        var buffer = new byte[base64.Length];
        if (!Convert.TryFromBase64String(base64.Trim(), buffer, out var written))
            throw new ArgumentException("LastKnownGoodKey is not valid base64: set it to the base64 of at least 32 random bytes (for example `openssl rand -base64 32`).", nameof(base64));
        try
        {
            if (written < MinimumBytes)
                throw new ArgumentException($"LastKnownGoodKey holds {written} bytes, fewer than the {MinimumBytes} it needs: set it to the base64 of at least 32 random bytes (for example `openssl rand -base64 32`).", nameof(base64));
            return new LastKnownGoodKey(buffer[..written]);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }

    public byte[] Mac(ReadOnlySpan<byte> data) => HMACSHA256.HashData(_macKey, data);

    /// <summary>AES-256-GCM with a random nonce, bound to the configuration key so a sealed value cannot be moved to another key.</summary>
    public string Seal(string configurationKey, string value)
    {
        var plain = Encoding.UTF8.GetBytes(value);
        var sealedBytes = new byte[NonceBytes + plain.Length + TagBytes];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(_encryptionKey, TagBytes))
            aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceBytes, plain.Length), sealedBytes.AsSpan(NonceBytes + plain.Length), AssociatedData(configurationKey));
        CryptographicOperations.ZeroMemory(plain);
        return Convert.ToBase64String(sealedBytes);
    }

    /// <summary>The value, or null when the sealed text is not one this key sealed for this configuration key.</summary>
    public string? Open(string configurationKey, string sealedText)
    {
        byte[] sealedBytes;
        try
        {
            sealedBytes = Convert.FromBase64String(sealedText);
        }
        catch (FormatException)
        {
            return null;
        }
        if (sealedBytes.Length < NonceBytes + TagBytes) return null;
        var plain = new byte[sealedBytes.Length - NonceBytes - TagBytes];
        try
        {
            using var aes = new AesGcm(_encryptionKey, TagBytes);
            aes.Decrypt(sealedBytes.AsSpan(0, NonceBytes), sealedBytes.AsSpan(NonceBytes, plain.Length), sealedBytes.AsSpan(NonceBytes + plain.Length), plain, AssociatedData(configurationKey));
            return Encoding.UTF8.GetString(plain);
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    private static byte[] AssociatedData(string configurationKey) => Encoding.UTF8.GetBytes("strata-lkg/1 value " + configurationKey);

    private static byte[] Derive(byte[] secret, string purpose, int length) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, length, Salt, Encoding.UTF8.GetBytes(purpose));
}
