using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Strata.Client;

namespace Strata.Benchmarks;

/// <summary>What a service pays per read of a setting that Strata.Client loaded (issue 9's goal: ≤ 50 ns, 0 B).</summary>
[MemoryDiagnoser]
public class ClientReadBenchmarks
{
    private BenchmarkServer _server = null!;
    private IConfigurationRoot _configuration = null!;
    private ServiceProvider _services = null!;
    private IOptionsMonitor<CheckoutLimits> _monitor = null!;

    public sealed class CheckoutLimits
    {
        [ConfigurationKeyName("max_items")]
        public int MaxItems { get; set; }
    }

    [GlobalSetup]
    public void Setup()
    {
        _server = BenchmarkServer.StartAsync().GetAwaiter().GetResult();
        var signingKey = _server.SigningKeyAsync().GetAwaiter().GetResult();
        _configuration = new ConfigurationBuilder()
            .AddStrata(o =>
            {
                o.Server = _server.Address;
                o.Token = BenchmarkServer.Token;
                o.Namespaces = ["checkout"];
                o.SigningKey = signingKey;
            })
            .Build();
        _services = new ServiceCollection()
            .Configure<CheckoutLimits>(_configuration.GetSection("checkout"))
            .BuildServiceProvider();
        _monitor = _services.GetRequiredService<IOptionsMonitor<CheckoutLimits>>();
        if (_monitor.CurrentValue.MaxItems != 50 || _configuration.GetRequired<int>("checkout:max_items") != 50)
            throw new InvalidOperationException("The client did not load checkout:max_items.");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _services.Dispose();
        ((IDisposable)_configuration).Dispose();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true)]
    public int OptionsMonitorCurrentValue() => _monitor.CurrentValue.MaxItems;

    [Benchmark]
    public string? ConfigurationIndexer() => _configuration["checkout:max_items"];

    [Benchmark]
    public int GetRequiredInt() => _configuration.GetRequired<int>("checkout:max_items");

    [Benchmark]
    public string GetRequiredString() => _configuration.GetRequired<string>("checkout:currency");
}
