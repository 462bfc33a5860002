using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Strata;
using Strata.Access;
using Strata.Application;
using Strata.Engine;
using Strata.Search;
using Strata.Storage.Sqlite;

namespace Strata.Benchmarks;

/// <summary>
/// Search as the API runs it (the scan, the ranking, the JSON of the answer) over 10,000 and 100,000 settings in
/// ten namespaces: 60 % defined (with group and description; half of them overridden), 40 % stored without a
/// definition. One search per iteration, so the percentiles are those of single searches (issue 10: p99 ≤ 50 ms).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(OneSearchPerIteration))]
public class SearchBenchmarks
{
    private static readonly string[] Prefixes = ["cache", "http", "db", "queue", "feature", "auth", "log", "retry", "pool", "limits"];
    private static readonly string[] Words = ["timeout", "size", "enabled", "max_items", "interval", "threshold", "region", "mode"];
    private static readonly string[] Regions = ["eu-west-1", "us-east-2", "ap-south-1"];

    private readonly string _dir = Path.Combine(Environment.GetEnvironmentVariable("BENCH_DATA_PARENT") ?? "/var/tmp", "strata-bench-" + Guid.NewGuid().ToString("N"));
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private readonly Caller _caller = new("bench", null, [new Grant(Permission.Read, "*")], null, null, "GET", "/api/v1/search");
    private SettingsEngine _engine = null!;
    private SettingsSearch _search = null!;
    private Utf8JsonWriter _writer = null!;
    private SearchQuery _query = null!;

    [Params(10_000, 100_000)]
    public int Settings { get; set; }

    /// <summary>quokka: one description and one value; cache: a key prefix of a tenth of the keys; zzyzx: nothing; two words, both common.</summary>
    [Params("quokka", "cache", "zzyzx", "cache eu-west")]
    public string Query { get; set; } = "";

    private sealed class OneSearchPerIteration : ManualConfig
    {
        public OneSearchPerIteration()
        {
            AddJob(Job.Default.WithWarmupCount(5).WithIterationCount(200).WithInvocationCount(1).WithUnrollFactor(1).WithId("OneSearch"));
            AddColumn(StatisticColumn.P50, StatisticColumn.P95, new PercentileColumn(99), StatisticColumn.Max);
        }
    }

    [GlobalSetup]
    public void Setup()
    {
        var options = new StrataOptions { DataDirectory = _dir };
        var overrides = new List<Change>();
        for (var i = 0; i < Settings; i++)
        {
            var ns = $"svc{i % 10}";
            var word = Words[i / 10 % Words.Length];
            var key = $"{Prefixes[i / 7 % Prefixes.Length]}.{word}_{i}";
            var region = Regions[i % Regions.Length];
            var rare = i == Settings / 2 + 3;
            if (i % 5 < 3)
            {
                options.Define(new SettingDefinition
                {
                    Namespace = ns, Key = key, Type = SettingType.String, Default = $"{word}-{i}",
                    Group = $"{Prefixes[i % Prefixes.Length]} tuning {i % 20}",
                    Description = $"Sets the {word} used by the {Prefixes[i / 3 % Prefixes.Length]} component of service {i % 97} in {region}"
                        + (rare ? ", as the quokka team asked." : "."),
                });
                if (i % 2 == 0) overrides.Add(new Change(ns, key, "global", JsonSerializer.SerializeToElement($"{region}/{word}/{i}")));
            }
            else
            {
                object value = i % 3 == 0 ? i : $"{region}/{(i == Settings / 2 ? "quokka" : word)}/{i}";
                overrides.Add(new Change(ns, key, "global", JsonSerializer.SerializeToElement(value)));
            }
        }
        _engine = EngineServices.Create(options, new SqliteSettingsStore(Path.Combine(_dir, "strata.db")), TimeProvider.System);
        _engine.StartAsync().GetAwaiter().GetResult();
        foreach (var chunk in overrides.Chunk(10_000))
            _engine.CommitAsync(new ChangeSet(chunk, "bench")).GetAwaiter().GetResult();
        _search = new SettingsSearch(_engine);
        _writer = new Utf8JsonWriter(_buffer);
        _query = SearchQuery.Parse(Query);
        var first = System.Diagnostics.Stopwatch.StartNew();
        _search.Run(_caller, _query);
        Console.WriteLine($"// First search, which builds the index of {Settings} settings: {first.Elapsed.TotalMilliseconds:F0} ms");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _writer.Dispose();
        _engine.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_dir, recursive: true);
    }

    [Benchmark]
    public int Search()
    {
        var results = _search.Run(_caller, _query);
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        SearchEndpoints.Write(_writer, results);
        _writer.Flush();
        return results.Total;
    }
}
