using System.Security.Cryptography;
using NSec.Cryptography;

namespace Strata.Security;

/// <summary>
/// The server's Ed25519 key: every change event and snapshot is signed with it, so a client that pins the public half
/// applies nothing a relay or a cache has altered (seed 004). Generated on first start into the data folder (0600,
/// the base64 private seed) or taken from <see cref="Variable"/>.
/// </summary>
internal sealed class SigningKey : IDisposable
{
    public const string Variable = "STRATA_SIGNING_KEY";
    public const string FileName = "signing.key";
    public const int SignatureBytes = 64;

    private static readonly SignatureAlgorithm Algorithm = SignatureAlgorithm.Ed25519;
    private Key? _key;

    public string KeyId { get; private set; } = "";

    /// <summary>The raw 32-byte public key, base64.</summary>
    public string PublicKey { get; private set; } = "";

    /// <summary>Where the key was read from or written to; null when it came from the environment.</summary>
    public string? File { get; private set; }

    public void Initialize(string? fromEnvironment, string dataDirectory)
    {
        byte[] seed;
        if (!string.IsNullOrWhiteSpace(fromEnvironment)) seed = Parse(fromEnvironment.Trim(), Variable);
        else
        {
            File = Path.Combine(dataDirectory, FileName);
            seed = LoadOrCreate(File);
        }
        try
        {
            _key = Key.Import(Algorithm, seed, KeyBlobFormat.RawPrivateKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
        var publicKey = _key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        PublicKey = Convert.ToBase64String(publicKey);
        KeyId = Convert.ToHexStringLower(SHA256.HashData(publicKey).AsSpan(0, 8));
    }

    /// <summary>Signs <paramref name="data"/> into <paramref name="signature"/> (<see cref="SignatureBytes"/> long).</summary>
    public void Sign(ReadOnlySpan<byte> data, Span<byte> signature) =>
        Algorithm.Sign(_key ?? throw new InvalidOperationException("The signing key is not loaded."), data, signature);

    public void Dispose() => _key?.Dispose();

    private static byte[] LoadOrCreate(string file)
    {
        if (!System.IO.File.Exists(file))
        {
            var seed = RandomNumberGenerator.GetBytes(32);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            try
            {
                using var stream = new FileStream(file, options);
                stream.Write(System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(seed) + "\n"));
                stream.Flush(flushToDisk: true);
                return seed;
            }
            // Another process created it first: use theirs.
            catch (IOException) when (System.IO.File.Exists(file))
            {
                CryptographicOperations.ZeroMemory(seed);
            }
        }
        return Parse(System.IO.File.ReadAllText(file).Trim(), file);
    }

    private static byte[] Parse(string base64, string source)
    {
        byte[] seed;
        try
        {
            seed = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw new SecretException($"The signing key in {source} is not base64.");
        }
        if (seed.Length != 32) throw new SecretException($"The signing key in {source} must be 32 bytes (base64 of an Ed25519 seed); it is {seed.Length}.");
        return seed;
    }
}
