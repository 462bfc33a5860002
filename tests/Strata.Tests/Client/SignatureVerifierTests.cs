using System.Text;
using NSec.Cryptography;
using Strata.Client.Internal;

namespace Strata.Tests.Client;

/// <summary>The trailing-signature rule of docs/watch.md: exact bytes before <c>,"signature":</c>, a 104-byte suffix.</summary>
public sealed class SignatureVerifierTests
{
    private static readonly Key Signer = Key.Create(SignatureAlgorithm.Ed25519);
    private static readonly SignatureVerifier Verifier = SignatureVerifier.FromBase64(PublicKeyOf(Signer));

    private static string PublicKeyOf(Key key) => Convert.ToBase64String(key.PublicKey.Export(KeyBlobFormat.RawPublicKey));

    internal static byte[] Sign(Key key, string members)
    {
        var signed = Encoding.UTF8.GetBytes(members);
        var signature = SignatureAlgorithm.Ed25519.Sign(key, signed);
        return [.. signed, .. Encoding.UTF8.GetBytes(",\"signature\":\"" + Convert.ToBase64String(signature) + "\"}")];
    }

    private const string Members = """{"revision":43,"changes":[{"namespace":"checkout","key":"max_items","value":60}]""";
    private static readonly byte[] Document = Sign(Signer, Members);

    [Fact]
    public void A_document_signed_by_the_pinned_key_verifies()
    {
        Assert.Equal(SignatureVerifier.SuffixLength, Document.Length - Members.Length);
        Assert.True(Verifier.Verify(Document));
    }

    [Fact]
    public void Any_flipped_byte_is_rejected()
    {
        for (var i = 0; i < Document.Length; i++)
        {
            var copy = (byte[])Document.Clone();
            copy[i] ^= 0x01;
            Assert.False(Verifier.Verify(copy), $"byte {i} flipped still verified");
        }
    }

    [Fact]
    public void A_document_signed_by_another_key_is_rejected()
    {
        using var other = Key.Create(SignatureAlgorithm.Ed25519);

        Assert.False(Verifier.Verify(Sign(other, """{"revision":43""")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("""{"revision":43}""")]
    public void A_document_without_the_signature_suffix_is_rejected(string json) =>
        Assert.False(Verifier.Verify(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void A_truncated_or_padded_document_is_rejected()
    {
        Assert.False(Verifier.Verify(Document.AsSpan(0, Document.Length - 1)));
        Assert.False(Verifier.Verify(Document.AsSpan(1)));
        Assert.False(Verifier.Verify([.. Document, (byte)'\n']));
        Assert.False(Verifier.Verify([.. Document[..^2], (byte)' ', .. Document[^2..]]));
    }

    [Fact]
    public void Members_after_the_signature_are_rejected()
    {
        var text = Encoding.UTF8.GetString(Document);
        Assert.False(Verifier.Verify(Encoding.UTF8.GetBytes(text[..^1] + ",\"revision\":99}")));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not base64!")]
    [InlineData("AAAA")]
    public void A_pinned_key_that_is_not_an_ed25519_public_key_is_refused_naming_the_option(string? key)
    {
        var error = Assert.Throws<InvalidOperationException>(() => SignatureVerifier.FromBase64(key));
        Assert.Contains("StrataClientOptions.SigningKey", error.Message);
    }
}
