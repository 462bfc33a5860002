using System.Security.Cryptography;
using System.Text;

namespace Strata.Security;

/// <summary>AES-256-GCM with a random 96-bit nonce: <c>nonce ‖ tag ‖ ciphertext</c>, associated data bound in.</summary>
internal static class SecretCipher
{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public static byte[] Encrypt(byte[] key, ReadOnlySpan<byte> plaintext, string associatedData)
    {
        var output = new byte[NonceSize + TagSize + plaintext.Length];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(NonceSize + TagSize), output.AsSpan(NonceSize, TagSize), Encoding.UTF8.GetBytes(associatedData));
        return output;
    }

    /// <summary>Null when the data was altered, encrypted under another key, or bound to other associated data.</summary>
    public static byte[]? Decrypt(byte[] key, ReadOnlySpan<byte> sealedData, string associatedData)
    {
        if (sealedData.Length < NonceSize + TagSize) return null;
        var plaintext = new byte[sealedData.Length - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        try
        {
            aes.Decrypt(sealedData[..NonceSize], sealedData[(NonceSize + TagSize)..], sealedData.Slice(NonceSize, TagSize), plaintext,
                Encoding.UTF8.GetBytes(associatedData));
            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }
}
