using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Strata;
using Strata.Engine;
using Strata.Storage.Sqlite;

namespace Strata.Benchmarks;

/// <summary>
/// Durable writes through the engine (validation, group commit, fsync, snapshot swap) without HTTP: 64 writers,
/// each awaiting its acknowledgement before the next write, like 64 client connections.
/// </summary>
[MemoryDiagnoser]
public class WriteBenchmarks
{
    private const int Writers = 64;
    private const int WritesPerWriter = 32;

    private static readonly JsonElement Value = JsonSerializer.Deserialize<JsonElement>(
        """{"name":"checkout.payment-provider","enabled":true,"rollout":25,"owner":"team-payments","variant":"blue","limits":{"rps":1200,"burst":300},"tags":["prod","eu"],"updated":"2025-01-01T00:00:00Z","v":17}""");

    private readonly string _dir = Path.Combine(Environment.GetEnvironmentVariable("BENCH_DATA_PARENT") ?? "/var/tmp", "strata-bench-" + Guid.NewGuid().ToString("N"));
    private SettingsEngine _engine = null!;
    private int _round;

    [GlobalSetup]
    public void Setup()
    {
        _engine = EngineServices.Create(new StrataOptions { DataDirectory = _dir }, new SqliteSettingsStore(Path.Combine(_dir, "strata.db")),
            TimeProvider.System);
        _engine.StartAsync().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _engine.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>Each write a new 64-byte key, as the HTTP benchmark's unique-key workload.</summary>
    [Benchmark(OperationsPerInvoke = Writers * WritesPerWriter)]
    public Task DurableWriteUniqueKeys()
    {
        var round = Interlocked.Increment(ref _round);
        return Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < WritesPerWriter; i++)
                await _engine.CommitAsync(new ChangeSet(
                    [new Change("bench", $"bench.w.{round}.{w}.{i}".PadRight(64, 'x'), "global", Value)], "bench"));
        })));
    }
}
