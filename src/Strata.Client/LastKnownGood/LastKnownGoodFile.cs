using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Strata.Client.LastKnownGood;

/// <summary>
/// Saves and loads the last-known-good file (docs/client.md, "Last-known-good file"): a header line, a JSON body with
/// every sensitive value sealed, and an HMAC-SHA256 over both. Loading checks the MAC before it reads anything else.
/// </summary>
internal static class LastKnownGoodFile
{
    /// <summary>No file Strata writes comes near this; a larger one is not read into memory.</summary>
    public const int MaximumBytes = 64 * 1024 * 1024;

    private const int TrailerLength = LastKnownGoodHeader.MacLength + 1;
    private static readonly StringComparer Keys = StringComparer.OrdinalIgnoreCase;

    public static Task WriteAsync(string path, LastKnownGoodKey key, LastKnownGoodContents contents, CancellationToken ct) =>
        PrivateFileReplacement.WriteAsync(path, Encode(key, contents), ct);

    /// <summary>The contents of a file that verifies under <paramref name="key"/> and was saved for <paramref name="expected"/>.</summary>
    /// <exception cref="LastKnownGoodException">The file is missing, unreadable, or refused; <see cref="LastKnownGoodException.Reason"/> says why.</exception>
    public static LastKnownGoodContents Read(string path, LastKnownGoodKey key, LastKnownGoodIdentity expected) =>
        Decode(path, ReadBytes(path), key, expected);

    internal static byte[] Encode(LastKnownGoodKey key, LastKnownGoodContents contents)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(ToDocument(key, contents), LastKnownGoodJsonContext.Default.LastKnownGoodDocument);
        var header = LastKnownGoodHeader.Format(key.Check, body.Length);
        var file = new byte[header.Length + body.Length + 1 + TrailerLength];
        if (file.Length > MaximumBytes)
            throw new ArgumentException($"The configuration is too large for a last-known-good file ({file.Length} bytes, at most {MaximumBytes}).", nameof(contents));
        header.CopyTo(file, 0);
        body.CopyTo(file, header.Length);
        file[^(TrailerLength + 1)] = (byte)'\n';
        Encoding.ASCII.GetBytes(Convert.ToHexStringLower(key.Mac(file.AsSpan(..^TrailerLength))), file.AsSpan(^TrailerLength..));
        file[^1] = (byte)'\n';
        return file;
    }

    internal static LastKnownGoodContents Decode(string path, ReadOnlySpan<byte> file, LastKnownGoodKey key, LastKnownGoodIdentity expected)
    {
        if (file.IsEmpty) throw Refused(path, LastKnownGoodRefusal.Empty, "it is empty");
        if (!Verifies(file, key)) throw Diagnose(path, file, key);

        var header = LastKnownGoodHeader.Read(path, file);
        if (header.FileLength != file.Length || file[header.Length + header.BodyLength] != (byte)'\n')
            throw Malformed(path);
        LastKnownGoodDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(file.Slice(header.Length, header.BodyLength), LastKnownGoodJsonContext.Default.LastKnownGoodDocument);
        }
        catch (JsonException)
        {
            throw Malformed(path);
        }
        if (document is null) throw Malformed(path);

        var identity = new LastKnownGoodIdentity(document.Namespaces, document.Scopes, document.SigningKeyId);
        if (identity.Difference(expected) is { } difference) throw Refused(path, LastKnownGoodRefusal.Foreign, difference);
        return FromDocument(path, key, document, identity);
    }

    private static bool Verifies(ReadOnlySpan<byte> file, LastKnownGoodKey key)
    {
        if (file.Length <= TrailerLength || file[^1] != (byte)'\n') return false;
        Span<byte> expected = stackalloc byte[LastKnownGoodHeader.MacLength];
        Encoding.ASCII.GetBytes(Convert.ToHexStringLower(key.Mac(file[..^TrailerLength])), expected);
        return CryptographicOperations.FixedTimeEquals(expected, file[^TrailerLength..^1]);
    }

    /// <summary>Why a file that does not verify does not: only now is its unauthenticated header worth reading.</summary>
    private static LastKnownGoodException Diagnose(string path, ReadOnlySpan<byte> file, LastKnownGoodKey key)
    {
        LastKnownGoodHeader header;
        try
        {
            header = LastKnownGoodHeader.Read(path, file);
        }
        catch (LastKnownGoodException refused)
        {
            return refused;
        }
        if (file.Length < header.FileLength)
            return Refused(path, LastKnownGoodRefusal.Truncated, $"it is {file.Length} bytes long and its header says {header.FileLength}");
        if (file.Length > header.FileLength)
            return Refused(path, LastKnownGoodRefusal.Tampered, "it has bytes after its end (it was altered)");
        if (header.KeyCheck != key.Check)
            return Refused(path, LastKnownGoodRefusal.WrongKey,
                "it was written under a different LastKnownGoodKey (its key check differs), or its header was altered");
        return Refused(path, LastKnownGoodRefusal.Tampered, "its MAC does not verify (it was altered)");
    }

    private static LastKnownGoodDocument ToDocument(LastKnownGoodKey key, LastKnownGoodContents contents)
    {
        var keys = new HashSet<string>(Keys);
        foreach (var name in contents.Data.Keys)
            if (!keys.Add(name)) throw new ArgumentException($"The configuration key {name} appears twice (configuration keys ignore case).", nameof(contents));
        foreach (var name in contents.SensitiveKeys)
            if (!keys.Contains(name)) throw new ArgumentException($"The sensitive key {name} is not in the configuration data.", nameof(contents));
        var sensitive = contents.SensitiveKeys.ToHashSet(Keys);

        var entries = new List<LastKnownGoodEntry>(contents.Data.Count);
        foreach (var (name, value) in contents.Data.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            entries.Add(sensitive.Contains(name)
                ? new LastKnownGoodEntry(name, Sensitive: true, Sealed: value is null ? null : key.Seal(name, value))
                : new LastKnownGoodEntry(name, value));
        }
        var identity = contents.Identity;
        return new LastKnownGoodDocument(contents.Revision, contents.SavedAt, identity.SigningKeyId, identity.Namespaces, identity.Scopes, entries);
    }

    private static LastKnownGoodContents FromDocument(string path, LastKnownGoodKey key, LastKnownGoodDocument document, LastKnownGoodIdentity identity)
    {
        var data = new Dictionary<string, string?>(document.Entries.Count, Keys);
        var sensitive = new HashSet<string>(Keys);
        foreach (var entry in document.Entries)
        {
            string? value;
            if (entry.Sensitive)
            {
                if (entry.Value is not null) throw Malformed(path);
                value = entry.Sealed is null ? null
                    : key.Open(entry.Key, entry.Sealed) ?? throw Refused(path, LastKnownGoodRefusal.Tampered, $"the sealed value of {entry.Key} does not open (it was altered)");
                sensitive.Add(entry.Key);
            }
            else
            {
                if (entry.Sealed is not null) throw Malformed(path);
                value = entry.Value;
            }
            if (!data.TryAdd(entry.Key, value)) throw Malformed(path);
        }
        return new LastKnownGoodContents(document.Revision, document.SavedAt, identity, data, sensitive);
    }

    private static byte[] ReadBytes(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
            if (stream.Length > MaximumBytes)
                throw Refused(path, LastKnownGoodRefusal.Tampered, $"it is {stream.Length} bytes, larger than any last-known-good file Strata writes");
            var bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
            return bytes;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw Refused(path, LastKnownGoodRefusal.Missing, "it does not exist");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LastKnownGoodException(path, LastKnownGoodRefusal.Unreadable, $"it could not be read ({e.GetType().Name})", e);
        }
    }

    /// <summary>A file that verifies yet does not parse: written with this key by something other than this code.</summary>
    private static LastKnownGoodException Malformed(string path) =>
        Refused(path, LastKnownGoodRefusal.Tampered, "it verifies under this key but its contents are malformed");

    private static LastKnownGoodException Refused(string path, LastKnownGoodRefusal reason, string detail) => new(path, reason, detail);
}
