using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Strata.Access;
using Strata.Security;
using Strata.Storage.Sqlite;

namespace Strata.Benchmarks;

/// <summary>The per-request token check, and opening (decrypting) one stored secret.</summary>
[MemoryDiagnoser]
public class SecurityBenchmarks
{
    private const string Token = "benchmark-admin-token-0123456789abcdef";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "strata-bench", Guid.NewGuid().ToString("N"));
    private SqliteSettingsStore _store = null!;
    private TokenService _tokens = null!;
    private DataKeyRing _ring = null!;
    private string _envelope = null!;

    [GlobalSetup]
    public void Setup()
    {
        _store = new SqliteSettingsStore(Path.Combine(_dir, "strata.db"));
        _store.MigrateAsync().GetAwaiter().GetResult();
        _tokens = new TokenService(_store, [], new Strata.Cluster.SingleInstance(), TimeProvider.System, NullLogger.Instance);
        _tokens.InitializeAsync(_dir, Token, work => work(), CancellationToken.None).GetAwaiter().GetResult();
        _ring = new DataKeyRing();
        _ring.Add("kbench", RandomNumberGenerator.GetBytes(32), active: true);
        _envelope = _ring.Protect("billing", "api_key", "global", 1, "\"sk-live-0123456789abcdef0123456789\"");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _tokens.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>What every authenticated request does: hash the bearer token and find its principal.</summary>
    [Benchmark]
    public bool AuthenticateBearerToken() => _tokens.Authenticate("Bearer " + Token).Principal is not null;

    /// <summary>Decrypting one stored secret (AES-256-GCM, bound to its setting).</summary>
    [Benchmark]
    public int DecryptOneSecret() => _ring.Unprotect("billing", "api_key", "global", 1, _envelope).Length;
}
