using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using Microsoft.Extensions.Configuration;
using Strata.Client;

namespace Strata.Benchmarks;

/// <summary>
/// Strata.Client's start-up, from <c>Build()</c> to the first value: from a server on loopback (issue 9's goal ≤ 100 ms),
/// and from the last-known-good file with the server down (≤ 50 ms). One start per iteration, stopped outside the measure.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(OneStartPerIteration))]
public class ClientStartupBenchmarks
{
    /// <summary>The default: a refused connection falls back to the file at once, so the figure does not include it.</summary>
    private static readonly TimeSpan StartupTimeout = new Strata.Client.StrataClientOptions().StartupTimeout;

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "strata-bench", Guid.NewGuid().ToString("N"));
    private readonly string _lastKnownGoodKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private BenchmarkServer _server = null!;
    private string _signingKey = null!;
    private Uri _down = null!;
    private IConfigurationRoot? _started;

    private string LastKnownGoodPath => Path.Combine(_dir, "client.lkg");

    private sealed class OneStartPerIteration : ManualConfig
    {
        public OneStartPerIteration()
        {
            // Warm: the 21st start in a process whose client code is already compiled.
            AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(20).WithInvocationCount(1).WithUnrollFactor(1).WithId("Warm"));
            // Cold: a service's real first start, each in a new process (JIT included), ten processes.
            AddJob(Job.Default.WithStrategy(RunStrategy.ColdStart).WithLaunchCount(10).WithWarmupCount(0).WithIterationCount(1)
                .WithInvocationCount(1).WithUnrollFactor(1).WithId("FirstInProcess"));
        }
    }

    [GlobalSetup]
    public void Setup()
    {
        Directory.CreateDirectory(_dir);
        _server = BenchmarkServer.StartAsync().GetAwaiter().GetResult();
        _signingKey = _server.SigningKeyAsync().GetAwaiter().GetResult();
        // A loopback port nothing listens on: connections are refused at once, as with a stopped server.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        _down = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/");
        listener.Stop();

        // One start against the server writes the file the server-down start reads.
        var first = Start(_server.Address, TimeSpan.FromSeconds(10));
        using (first as IDisposable)
        {
            var saved = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            first.Providers.OfType<StrataConfigurationProvider>().Single().LastKnownGood!.Saved += _ => saved.TrySetResult();
            // The file is renamed into place whole: if it is there, it is complete.
            if (!File.Exists(LastKnownGoodPath) && !saved.Task.Wait(TimeSpan.FromSeconds(10)))
                throw new InvalidOperationException("The client wrote no last-known-good file within 10 s.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_dir, recursive: true);
    }

    [IterationCleanup]
    public void Stop()
    {
        (_started as IDisposable)?.Dispose();
        _started = null;
    }

    [Benchmark(Baseline = true)]
    public string? FirstValueFromServer()
    {
        _started = Start(_server.Address, StartupTimeout);
        return Expect(_started, StrataDataSource.Server);
    }

    [Benchmark]
    public string? FirstValueFromLastKnownGoodWithServerDown()
    {
        _started = Start(_down, StartupTimeout);
        return Expect(_started, StrataDataSource.LastKnownGood);
    }

    private static string? Expect(IConfigurationRoot started, StrataDataSource source) =>
        started.GetStrataStatus().Source == source
            ? started["checkout:max_items"]
            : throw new InvalidOperationException($"Started from {started.GetStrataStatus().Source}, not {source}.");

    private IConfigurationRoot Start(Uri server, TimeSpan startupTimeout) => new ConfigurationBuilder()
        .AddStrata(o =>
        {
            o.Server = server;
            o.Token = BenchmarkServer.Token;
            o.Namespaces = ["checkout"];
            o.SigningKey = _signingKey;
            o.StartupTimeout = startupTimeout;
            o.LastKnownGoodPath = LastKnownGoodPath;
            o.LastKnownGoodKey = _lastKnownGoodKey;
        })
        .Build();
}
