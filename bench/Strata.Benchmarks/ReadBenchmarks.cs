using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Strata;
using Strata.Engine;
using Strata.Storage.Sqlite;

namespace Strata.Benchmarks;

/// <summary>Typed in-process reads of resolved settings: the path an embedded app takes on every use of a setting.</summary>
[MemoryDiagnoser]
public class ReadBenchmarks
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "strata-bench", Guid.NewGuid().ToString("N"));
    private SettingsEngine _engine = null!;
    private StrataSettings _settings = null!;

    [GlobalSetup]
    public void Setup()
    {
        var options = new StrataOptions { DataDirectory = _dir }
            .Define(new SettingDefinition { Namespace = "bench", Key = "max_connections", Type = SettingType.Int, Default = 100 })
            .Define(new SettingDefinition { Namespace = "bench", Key = "mode", Type = SettingType.String, Default = "fast" });
        _engine = EngineServices.Create(options, new SqliteSettingsStore(Path.Combine(_dir, "strata.db")), TimeProvider.System);
        _engine.StartAsync().GetAwaiter().GetResult();
        // 1,000 other keys in the namespace so lookups are not against a toy dictionary.
        var filler = Enumerable.Range(0, 1000).Select(i => new Change("bench", $"filler{i}", "global", JsonSerializer.SerializeToElement(i))).ToList();
        _engine.CommitAsync(new ChangeSet(filler, "bench")).GetAwaiter().GetResult();
        _engine.CommitAsync(new ChangeSet([new Change("bench", "max_connections", "global", JsonSerializer.SerializeToElement(250))], "bench")).GetAwaiter().GetResult();
        _settings = new StrataSettings(_engine, Microsoft.Extensions.Logging.Abstractions.NullLogger<StrataSettings>.Instance);
        _settings.GetValue<int>("bench", "max_connections");
        _settings.GetValue<string>("bench", "mode");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _engine.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>An int stored as an override: snapshot lookup, cached resolution, cached typed value.</summary>
    [Benchmark(Baseline = true)]
    public int TypedReadOfOverride() => _settings.GetValue<int>("bench", "max_connections");

    /// <summary>A string that only has its code default (no stored override).</summary>
    [Benchmark]
    public string TypedReadOfDefault() => _settings.GetValue<string>("bench", "mode");

    /// <summary>The bytes the HTTP GET serves, from the same caches.</summary>
    [Benchmark]
    public int ResponseBytesOfOverride() => _engine.Get("bench", "max_connections")!.Json(Strata.Http.SettingJson.Render).Length;
}
