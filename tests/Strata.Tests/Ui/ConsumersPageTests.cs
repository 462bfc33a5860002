using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Strata.Client;
using Strata.Tests.Client;
using Strata.Tests.Infrastructure;
using Strata.Watch;

namespace Strata.Tests.Ui;

/// <summary>The consumers page: who follows this server, the revision each applied, who is behind.</summary>
public sealed class ConsumersPageTests
{
    private const string AdminToken = "ui-consumers-admin-token-0123456789abcdef";

    private static async Task<long> PutAsync(HttpClient client, string path, int value)
    {
        using var response = await client.PutAsJsonAsync("api/v1/settings/" + path, new { value });
        response.EnsureSuccessStatusCode();
        return (await response.ReadJsonAsync()).GetProperty("revision").GetInt64();
    }

    [Fact]
    public async Task Consumers_page_shows_a_connected_clients_applied_revision()
    {
        await using var server = await TestServer.StartAsync();
        await PutAsync(server.Http, "checkout/max_items", 1);
        using var config = (IDisposable)await StrataClient.BuildAsync(server.Address, o => { o.InstanceId = "ui-fleet-1"; o.Host = "web-3"; });
        var provider = StrataConfigurationExtensions.FindProvider((IConfigurationRoot)config)!;
        var reportedUpTo = 0L;
        using var reports = new SemaphoreSlim(0);
        provider.Reporter.Reported += r => { Interlocked.Exchange(ref reportedUpTo, Math.Max(r, Interlocked.Read(ref reportedUpTo))); reports.Release(); };

        var revision = await PutAsync(server.Http, "checkout/max_items", 2);
        while (Interlocked.Read(ref reportedUpTo) < revision)
            Assert.True(await reports.WaitAsync(TimeSpan.FromSeconds(30)), "the client never reported the revision");

        using var browser = new UiBrowser(server);
        var html = await browser.PageAsync("/consumers");
        Assert.Contains($"<tr data-instance=\"ui-fleet-1\" data-applied-revision=\"{revision}\" data-behind=\"false\">", html);
        Assert.Contains("<td>client-tests</td>", html);
        Assert.Contains("<td>web-3</td>", html);
        Assert.Contains($"<tr data-namespace=\"checkout\" data-revision=\"{revision}\" data-behind=\"0\">", html);
        Assert.Contains("1 consumer connected, all current.", html);
        // The page keeps itself current with its own script, from the assets.
        var script = System.Text.RegularExpressions.Regex.Match(html, "<script src=\"(/ui/assets/consumers\\.js\\?v=[0-9a-f]+)\"").Groups[1].Value;
        Assert.NotEmpty(script);
        Assert.Contains("consumers-live", await browser.PageAsync(script));
    }

    [Fact]
    public async Task Consumers_page_shows_who_is_behind_until_they_report_and_only_namespaces_the_viewer_may_read()
    {
        await using var server = await TestServer.StartAsync(o => o.EnvironmentVariables!["STRATA_ADMIN_TOKEN"] = AdminToken,
            anonymousGrants: ["config.read:checkout"]);
        using var admin = server.CreateClient(AdminToken);
        var before = await PutAsync(admin, "checkout/max_items", 1);
        await PutAsync(admin, "billing/retries", 1);
        var registry = server.Services.GetRequiredService<ConsumerRegistry>();
        using var stale = registry.Connect("stale-1", "orders", "web-1", ["checkout", "billing"], null, before);
        using var hidden = registry.Connect("hidden-1", "invoices", "web-2", ["billing"], null, before);
        var revision = await PutAsync(admin, "checkout/max_items", 2);
        using var browser = new UiBrowser(server);

        var html = await browser.PageAsync("/consumers");
        Assert.Contains($"<tr data-instance=\"stale-1\" data-applied-revision=\"{before}\" data-behind=\"true\">", html);
        Assert.Contains("behind on checkout", html);
        Assert.Contains($"<tr data-namespace=\"checkout\" data-revision=\"{revision}\" data-behind=\"1\">", html);
        Assert.Contains("1 consumer connected, 1 behind.", html);
        Assert.DoesNotContain("billing", html);
        Assert.DoesNotContain("hidden-1", html);

        Assert.True(registry.Report("stale-1", null, revision));
        html = await browser.PageAsync("/consumers");
        Assert.Contains($"<tr data-instance=\"stale-1\" data-applied-revision=\"{revision}\" data-behind=\"false\">", html);
        Assert.Contains("1 consumer connected, all current.", html);
    }

    [Fact]
    public async Task Consumers_page_needs_read_on_some_namespace()
    {
        await using var server = await TestServer.StartAsync(anonymousGrants: []);
        using var browser = new UiBrowser(server);

        Assert.Equal(HttpStatusCode.Found, (await browser.GetAsync("/consumers")).Status);   // to the sign-in page
    }
}
