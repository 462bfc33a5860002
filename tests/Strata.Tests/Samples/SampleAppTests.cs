using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Strata.Tests.Samples;

/// <summary>samples/Strata.Sample.Web as a newcomer runs it: a real <c>strata serve</c>, the sample as its own process,
/// and settings changed in Strata while both run.</summary>
public sealed class SampleAppTests(SampleAppFixture fixture) : IClassFixture<SampleAppFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private SampleWebProcess Sample => fixture.Sample;

    [Fact]
    public async Task The_gated_endpoint_answers_404_until_its_flag_is_turned_on_in_strata_and_then_200_without_a_restart()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await Sample.Http.GetAsync("checkout/express")).StatusCode);

        var revision = await fixture.PutAsync("FeatureManagement", "ExpressCheckout", "true");

        await AppliedAsync(revision);
        Assert.Equal(HttpStatusCode.OK, (await Sample.Http.GetAsync("checkout/express")).StatusCode);
    }

    [Fact]
    public async Task A_checkout_limit_changed_in_strata_reaches_options_monitor_and_the_limits_endpoint()
    {
        Assert.Equal(50, (await LimitsAsync()).GetProperty("maxItems").GetInt32());

        await fixture.PutAsync("checkout", "max_items", "80");

        // Logged from IOptionsMonitor.OnChange, which runs after CurrentValue holds the new value.
        await Sample.Output.WaitForLineAsync(l => l.Contains("Checkout limits reloaded: max items 80", StringComparison.Ordinal), Bound);
        Assert.Equal(80, (await LimitsAsync()).GetProperty("maxItems").GetInt32());
    }

    [Fact]
    public async Task A_log_level_stored_in_strata_turns_on_debug_lines_in_the_running_sample()
    {
        static bool IsSampleDebug(string line) => line.StartsWith("dbug: Strata.Sample", StringComparison.Ordinal);
        await LimitsAsync();   // logs at Debug, filtered out at the appsettings.json level (Information)

        var revision = await fixture.PutAsync("Logging", "LogLevel", """{"Default": "Information", "Strata.Sample": "Debug"}""");

        // The console logger writes in order: a Debug line from the request above would be before this one.
        var applied = await AppliedAsync(revision);
        Assert.DoesNotContain(Sample.Output.Lines.Take(applied), IsSampleDebug);
        await LimitsAsync();
        await Sample.Output.WaitForLineAsync(l => IsSampleDebug(l) && l.Contains("Served checkout limits", StringComparison.Ordinal), Bound);
    }

    [Fact]
    public async Task The_health_endpoint_reports_the_strata_client_healthy_while_it_follows_the_server()
    {
        var answer = await Sample.Http.GetAsync("health");

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("Healthy", await answer.Content.ReadAsStringAsync());
    }

    private async Task<JsonElement> LimitsAsync() => await Sample.Http.GetFromJsonAsync<JsonElement>("checkout/limits");

    /// <summary>Waits for the sample's log line that it applied <paramref name="revision"/> (written from its reload callback).</summary>
    private Task<int> AppliedAsync(long revision) =>
        Sample.Output.WaitForLineAsync(l => l.Contains($"Strata revision {revision} applied", StringComparison.Ordinal), Bound);
}
