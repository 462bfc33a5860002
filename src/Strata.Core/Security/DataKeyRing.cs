using System.Security.Cryptography;
using System.Text;

namespace Strata.Security;

/// <summary>
/// The unwrapped data keys, and the envelope format of an encrypted value: <c>$enc:1:{keyId}:{base64}</c>. An
/// envelope is never valid JSON, so a stored text is unambiguously either a plain JSON value or a secret. The
/// associated data binds each ciphertext to its namespace, key and scope: moved anywhere else it fails to decrypt.
/// </summary>
internal sealed class DataKeyRing
{
    private const string Prefix = "$enc:1:";

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

    public static bool IsProtected(string? text) => text is not null && text.StartsWith(Prefix, StringComparison.Ordinal);

    public static string LikePattern(string keyId) => $"{Prefix}{keyId}:%";

    public string Protect(string ns, string key, string scope, string json)
    {
        var id = ActiveId ?? throw new InvalidOperationException("No active data key.");
        var sealedData = SecretCipher.Encrypt(_keys[id], Encoding.UTF8.GetBytes(json), AssociatedData(ns, key, scope));
        return $"{Prefix}{id}:{Convert.ToBase64String(sealedData)}";
    }

    /// <summary>Plain JSON is returned as it is; an envelope is decrypted or a <see cref="SecretException"/> says why not.</summary>
    public string Unprotect(string ns, string key, string scope, string text)
    {
        if (!IsProtected(text)) return text;
        var rest = text.AsSpan(Prefix.Length);
        var colon = rest.IndexOf(':');
        var where = $"{ns}/{key}@{scope}";
        if (colon <= 0) throw new SecretException($"The stored secret of {where} is malformed.");
        var id = rest[..colon].ToString();
        if (!_keys.TryGetValue(id, out var dataKey))
            throw new SecretException($"The secret of {where} is encrypted with data key {id}, which is not available.");
        byte[] sealedData;
        try { sealedData = Convert.FromBase64String(rest[(colon + 1)..].ToString()); }
        catch (FormatException) { throw new SecretException($"The stored secret of {where} (data key {id}) is malformed."); }
        var plaintext = SecretCipher.Decrypt(dataKey, sealedData, AssociatedData(ns, key, scope))
            ?? throw new SecretException($"The secret of {where} failed authentication with data key {id}: it was altered or moved from another setting.");
        return Encoding.UTF8.GetString(plaintext);
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

    private static string AssociatedData(string ns, string key, string scope) =>
        $"strata-value:{ns.ToLowerInvariant()}/{key.ToLowerInvariant()}@{scope.ToLowerInvariant()}";

    private static string WrapAssociatedData(string id) => $"strata-data-key:{id}";
}
