using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Strata.Client.LastKnownGood;

/// <summary>
/// The file's first line, <c>strata-lkg/1 &lt;key check&gt; &lt;body length&gt;\n</c>. The version comes first and alone
/// decides how the rest is read, so that a newer format is recognised as such rather than taken for damage.
/// </summary>
internal readonly record struct LastKnownGoodHeader(int Version, string KeyCheck, int Length, int BodyLength)
{
    public const int CurrentVersion = 1;
    public const int MacLength = 64;
    private const int MaximumLength = 64;
    private const int KeyCheckLength = 16;
    private static ReadOnlySpan<byte> Magic => "strata-lkg/"u8;
    private static readonly SearchValues<byte> LowerHex = SearchValues.Create("0123456789abcdef"u8);

    /// <summary>Header, body, the newline after it, the MAC in hex and a final newline.</summary>
    public int FileLength => Length + BodyLength + 1 + MacLength + 1;

    public static byte[] Format(string keyCheck, int bodyLength) =>
        Encoding.ASCII.GetBytes($"strata-lkg/{CurrentVersion} {keyCheck} {bodyLength}\n");

    public static LastKnownGoodHeader Read(string path, ReadOnlySpan<byte> file)
    {
        if (!file.StartsWith(Magic))
        {
            if (Magic.StartsWith(file)) throw Truncated(path, "it ends inside its header");
            throw Refused(path, LastKnownGoodRefusal.Tampered, "it does not begin as a Strata last-known-good file does (it was altered, or is not one)");
        }
        var rest = file[Magic.Length..];
        var digits = rest.IndexOfAnyExceptInRange((byte)'0', (byte)'9');
        if (digits < 0) throw Truncated(path, "it ends inside its header");
        if (digits is 0 or > 9 || rest[digits] is not ((byte)' ' or (byte)'\n') || !Utf8Parser.TryParse(rest[..digits], out int version, out _))
            throw Malformed(path);
        if (version != CurrentVersion)
            throw Refused(path, LastKnownGoodRefusal.UnsupportedVersion,
                $"it is in format version {version}, and this Strata.Client reads version {CurrentVersion} only (a newer client wrote it: upgrade, or delete the file)");

        var line = file[..Math.Min(file.Length, MaximumLength)];
        var newline = line.IndexOf((byte)'\n');
        if (newline < 0)
        {
            if (file.Length < MaximumLength) throw Truncated(path, "it ends inside its header");
            throw Malformed(path);
        }
        // "strata-lkg/1 " + 16 hex + " " + decimal length.
        var fields = line[(Magic.Length + digits + 1)..newline];
        if (fields.Length < KeyCheckLength + 2 || fields[KeyCheckLength] != (byte)' ' || fields[..KeyCheckLength].ContainsAnyExcept(LowerHex))
            throw Malformed(path);
        var lengthText = fields[(KeyCheckLength + 1)..];
        if (lengthText.Length is 0 or > 9 || lengthText.ContainsAnyExceptInRange((byte)'0', (byte)'9') || (lengthText.Length > 1 && lengthText[0] == (byte)'0')
            || !Utf8Parser.TryParse(lengthText, out int bodyLength, out _))
            throw Malformed(path);
        return new LastKnownGoodHeader(version, Encoding.ASCII.GetString(fields[..KeyCheckLength]), newline + 1, bodyLength);
    }

    private static LastKnownGoodException Truncated(string path, string detail) => Refused(path, LastKnownGoodRefusal.Truncated, detail);

    private static LastKnownGoodException Malformed(string path) =>
        Refused(path, LastKnownGoodRefusal.Tampered, "its header is malformed (it was altered)");

    private static LastKnownGoodException Refused(string path, LastKnownGoodRefusal reason, string detail) => new(path, reason, detail);
}
