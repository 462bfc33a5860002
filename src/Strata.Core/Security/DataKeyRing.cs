using System.Security.Cryptography;
using System.Text;

namespace Strata.Security;

/// <summary>
/// The unwrapped data keys, and the envelope format of an encrypted value: <c>$enc:2:{keyId}:{base64}</c>. An
/// envelope is never valid JSON, so a stored text is unambiguously either a plain JSON value or a secret. The
/// associated data binds each ciphertext to its namespace, key, scope and version: copied onto another setting, or
/// onto a later version of the same one (a replay of an old value), it fails to decrypt.
/// </summary>
internal sealed class DataKeyRing
{
    /// <summary>What every envelope starts with, whatever its format.</summary>
    public const string AnyEnvelope = "$enc:";

    private const string Current = "$enc:2:";

    /// <summary>
    /// Envelopes of schema 7 and before: their associated data left out the version. They are only ever read to be
    /// upgraded, at start-up, before anything is served (<see cref="Reseal"/>).
    /// </summary>
    public const string Legacy = "$enc:1:";

    // Read by the commit loop, request threads and the rotation task at once.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> _keys = new(StringComparer.Ordinal);
    private volatile string? _activeId;

    public string? ActiveId => _activeId;

    public void Add(string id, byte[] key, bool active)
    {
        _keys[id] = key;
        if (active) _activeId = id;
    }

    public void Remove(string id) => _keys.TryRemove(id, out _);

    public bool Contains(string id) => _keys.ContainsKey(id);

    /// <summary>Makes a key already in the ring the one new secrets are sealed with.</summary>
    public void Activate(string id)
    {
        if (_keys.ContainsKey(id)) _activeId = id;
    }

    public static bool IsProtected(string? text) => text is not null && text.StartsWith(AnyEnvelope, StringComparison.Ordinal);

    /// <summary>The start of every envelope sealed with data key <paramref name="keyId"/>.</summary>
    public static string EnvelopePrefix(string keyId) => $"{Current}{keyId}:";

    public string Protect(string ns, string key, string scope, long version, string json)
    {
        var id = ActiveId ?? throw new InvalidOperationException("No active data key.");
        var sealedData = SecretCipher.Encrypt(_keys[id], Encoding.UTF8.GetBytes(json), AssociatedData(ns, key, scope, version));
        return $"{Current}{id}:{Convert.ToBase64String(sealedData)}";
    }

    /// <summary>Plain JSON is returned as it is; an envelope is decrypted or a <see cref="SecretException"/> says why not.</summary>
    public string Unprotect(string ns, string key, string scope, long version, string text)
    {
        if (!IsProtected(text)) return text;
        var where = $"{ns}/{key}@{scope}";
        if (text.StartsWith(Damaged, StringComparison.Ordinal))
            throw new SecretException($"The stored secret of {where} (version {version}) was found damaged when it was re-sealed (an upgrade or a key rotation); restore it from a backup or write it again.");
        if (!text.StartsWith(Current, StringComparison.Ordinal))
            throw new SecretException($"The stored secret of {where} (version {version}) is in an envelope format this version does not read.");
        return Open(text.AsSpan(Current.Length), where, version, AssociatedData(ns, key, scope, version));
    }

    /// <summary>An envelope that could not be opened when it was re-sealed (an upgrade or a rotation); never readable.</summary>
    public const string Damaged = "$enc:0:";

    /// <summary>
    /// An envelope re-sealed under the active key in the current format: a rotation's, or the upgrade of a
    /// <see cref="Legacy"/> one (the only place a legacy envelope is ever opened). One that cannot be opened (altered,
    /// or damaged before the upgrade) is marked <see cref="Damaged"/> instead: it stays an envelope (so a secret),
    /// reads go on reporting it unreadable, and the re-sealing of everything else goes on.
    /// </summary>
    public string Reseal(string ns, string key, string scope, long version, string text)
    {
        try
        {
            var json = text.StartsWith(Legacy, StringComparison.Ordinal)
                ? Open(text.AsSpan(Legacy.Length), $"{ns}/{key}@{scope}", version,
                    $"strata-value:{ns.ToLowerInvariant()}/{key.ToLowerInvariant()}@{scope.ToLowerInvariant()}")
                : Unprotect(ns, key, scope, version, text);
            return Protect(ns, key, scope, version, json);
        }
        catch (SecretException)
        {
            return Damaged + text[AnyEnvelope.Length..];
        }
    }

    public static string NewKeyId() => "k" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    public static string Wrap(MasterKey master, string id, byte[] dataKey) =>
        Convert.ToBase64String(SecretCipher.Encrypt(master.Key, dataKey, WrapAssociatedData(id)));

    /// <summary>Null when the master key is not the one the data key was wrapped with.</summary>
    public static byte[]? Unwrap(MasterKey master, string id, string wrapped)
    {
        try { return SecretCipher.Decrypt(master.Key, Convert.FromBase64String(wrapped), WrapAssociatedData(id)); }
        catch (FormatException) { return null; }
    }

    private string Open(ReadOnlySpan<char> rest, string where, long version, string associatedData)
    {
        var colon = rest.IndexOf(':');
        if (colon <= 0) throw new SecretException($"The stored secret of {where} is malformed.");
        var id = rest[..colon].ToString();
        if (!_keys.TryGetValue(id, out var dataKey))
            throw new SecretException($"The secret of {where} is encrypted with data key {id}, which is not available.");
        byte[] sealedData;
        try { sealedData = Convert.FromBase64String(rest[(colon + 1)..].ToString()); }
        catch (FormatException) { throw new SecretException($"The stored secret of {where} (data key {id}) is malformed."); }
        var plaintext = SecretCipher.Decrypt(dataKey, sealedData, associatedData)
            ?? throw new SecretException($"The secret of {where} failed authentication with data key {id} (version {version}): it was altered, or moved from another setting or version.");
        return Encoding.UTF8.GetString(plaintext);
    }

    private static string AssociatedData(string ns, string key, string scope, long version) =>
        $"strata-value:2:{ns.ToLowerInvariant()}/{key.ToLowerInvariant()}@{scope.ToLowerInvariant()}#{version}";

    private static string WrapAssociatedData(string id) => $"strata-data-key:{id}";
}
