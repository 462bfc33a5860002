using System.Security.Cryptography;

namespace Strata.Security;

/// <summary>
/// The key that wraps the data keys. It comes from <c>STRATA_MASTER_KEY</c> (base64 of 32 bytes) or from a key file
/// holding the same; never from the database.
/// </summary>
internal sealed class MasterKey
{
    public const string Variable = "STRATA_MASTER_KEY";

    private MasterKey(byte[] key) => Key = key;

    public byte[] Key { get; }

    /// <summary>Null when neither source is configured; throws <see cref="DefinitionException"/> when one is malformed.</summary>
    public static MasterKey? Load(string? fromEnvironment, string? keyFile)
    {
        if (!string.IsNullOrWhiteSpace(fromEnvironment)) return Parse(fromEnvironment, Variable);
        if (keyFile is null) return null;
        if (!File.Exists(keyFile)) throw new DefinitionException($"The master key file {Path.GetFullPath(keyFile)} does not exist.");
        return Parse(File.ReadAllText(keyFile), $"master key file {Path.GetFullPath(keyFile)}");
    }

    public static string Generate() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static MasterKey Parse(string base64, string source)
    {
        byte[] key;
        try { key = Convert.FromBase64String(base64.Trim()); }
        catch (FormatException) { throw new DefinitionException($"The {source} is not base64; it must be 32 random bytes in base64 (e.g. `openssl rand -base64 32`)."); }
        if (key.Length != 32) throw new DefinitionException($"The {source} is {key.Length} bytes; it must be exactly 32 (base64 of 32 random bytes).");
        return new MasterKey(key);
    }
}
