using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using Strata.Security;

namespace Strata.Watch;

/// <summary>
/// Writes a JSON object whose last member is its Ed25519 signature over every byte before <c>,"signature":</c>
/// (docs/watch.md): a verifier checks the exact bytes it received, with nothing re-serialised.
/// </summary>
internal static class SignedJson
{
    private static ReadOnlySpan<byte> Prefix => ",\"signature\":\""u8;

    /// <summary>The object's members come from <paramref name="members"/>; it must write at least one.</summary>
    public static byte[] Write<TState>(SigningKey key, TState state, Action<Utf8JsonWriter, TState> members)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            members(writer, state);
            // The object stays open: its closing brace comes after the signature.
            writer.Flush();
        }
        Span<byte> signature = stackalloc byte[SigningKey.SignatureBytes];
        key.Sign(buffer.WrittenSpan, signature);
        buffer.Write(Prefix);
        var encoded = buffer.GetSpan(Base64.GetMaxEncodedToUtf8Length(SigningKey.SignatureBytes));
        Base64.EncodeToUtf8(signature, encoded, out _, out var written);
        buffer.Advance(written);
        buffer.Write("\"}"u8);
        return buffer.WrittenSpan.ToArray();
    }

    public static void Time(Utf8JsonWriter w, string name, long unixMs) => w.WriteString(name, DateTimeOffset.FromUnixTimeMilliseconds(unixMs));
}
