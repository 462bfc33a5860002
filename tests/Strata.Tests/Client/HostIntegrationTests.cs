using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Strata.Client;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Client;

/// <summary>The client in a real generic host, as a service uses it: <c>builder.Configuration.AddStrata(...)</c>.</summary>
public sealed class HostIntegrationTests
{
    public sealed class FeatureOptions
    {
        [ConfigurationKeyName("dark_mode")]
        public bool DarkMode { get; set; }
    }

    [Fact]
    public async Task A_host_built_on_add_strata_sees_changes_through_options_monitor_and_reports_healthy()
    {
        await using var server = await TestServer.StartAsync();
        await server.PutJsonAsync("api/v1/settings/features/dark_mode", """{"value": false}""");
        var key = await StrataClient.SigningKeyAsync(server.Address);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        await Task.Run(() => builder.Configuration.AddStrata(o =>
        {
            o.Server = server.Address;
            o.Namespaces = ["features"];
            o.SigningKey = key;
        }));
        builder.Services.Configure<FeatureOptions>(builder.Configuration.GetSection("features"));
        builder.Services.AddHealthChecks().AddStrataClient();
        using var host = builder.Build();
        var monitor = host.Services.GetRequiredService<IOptionsMonitor<FeatureOptions>>();
        Assert.False(monitor.CurrentValue.DarkMode);
        var flipped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = monitor.OnChange(o => { if (o.DarkMode) flipped.TrySetResult(); });

        await server.PutJsonAsync("api/v1/settings/features/dark_mode", """{"value": true}""");
        await flipped.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(monitor.CurrentValue.DarkMode);
        var configuration = host.Services.GetRequiredService<IConfiguration>();
        Assert.Equal(StrataDataSource.Server, configuration.GetStrataStatus().Source);
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.Equal(HealthStatus.Healthy, report.Entries["strata-client"].Status);
    }
}
