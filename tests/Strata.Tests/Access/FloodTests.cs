using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Access;

/// <summary>Neither a respelt header nor a stream of made-up tokens gets past the rate limit or floods the audit log.</summary>
public sealed class FloodTests : IDisposable
{
    private const string AdminToken = "flood-admin-token-0123456789abcdefgh";
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private Task<TestServer> StartAsync(StrataRateLimitOptions limits) => TestServer.StartAsync(o =>
    {
        o.EnvironmentVariables!["STRATA_ADMIN_TOKEN"] = AdminToken;
        o.RateLimit = limits;
    }, dir: _dir, anonymousGrants: []);

    private static async Task<HttpStatusCode> GetAsync(TestServer server, string authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/revision");
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        using var response = await server.Http.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task Every_spelling_of_one_token_shares_its_bucket()
    {
        await using var server = await StartAsync(new StrataRateLimitOptions { PermitsPerSecond = 1, Burst = 4 });
        string[] spellings = [$"Bearer {AdminToken}", $"bearer {AdminToken}", $"BEARER {AdminToken}", $"Bearer    {AdminToken}", $"bEaReR {AdminToken}  "];

        var statuses = new List<HttpStatusCode>();
        foreach (var spelling in spellings.Concat(spellings)) statuses.Add(await GetAsync(server, spelling));

        Assert.Equal(4, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(6, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task Made_up_tokens_from_one_address_share_a_tighter_bucket_and_a_valid_token_is_unaffected()
    {
        await using var server = await StartAsync(new StrataRateLimitOptions { PermitsPerSecond = 1000, Burst = 1000, UnauthenticatedPermitsPerSecond = 1, UnauthenticatedBurst = 2 });

        // At most the burst passes at once and as many again wait in the address's queue for the next permits; the rest
        // are refused at once. (The test server's own read of the OpenAPI document may have spent a permit.)
        var statuses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => GetAsync(server, $"Bearer strata_{Guid.NewGuid():N}")));

        // Without the queue only the burst (1 or 2) would pass.
        Assert.InRange(statuses.Count(s => s == HttpStatusCode.Unauthorized), 3, 4);
        Assert.Equal(20, statuses.Count(s => s is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests));
        Assert.Equal(HttpStatusCode.OK, await GetAsync(server, $"Bearer {AdminToken}"));
    }

    [Fact]
    public async Task Refusals_on_a_new_path_each_time_are_capped_per_source_and_the_rest_counted()
    {
        await using var server = await StartAsync(new StrataRateLimitOptions { PermitsPerSecond = 0 });
        for (var i = 0; i < 60; i++)
        {
            // Forty new paths, then twenty that differ from the first ones only in their query.
            using var request = new HttpRequestMessage(HttpMethod.Get, i < 40 ? $"api/v1/settings/ns{i}/key" : $"api/v1/settings/ns{i - 40}/key?x={i}");
            using var response = await server.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        await server.Engine.Denials.FlushAsync();

        using var admin = server.CreateClient(AdminToken);
        var rows = (await admin.GetFromJsonAsync<JsonElement>("api/v1/audit?action=access.denied&limit=1000")).GetProperty("audit").EnumerateArray().ToList();
        Assert.Equal(Strata.Audit.DeniedRequestLog.DistinctPerSource + 1, rows.Count);
        Assert.Equal(60 - Strata.Audit.DeniedRequestLog.DistinctPerSource, rows[0].GetProperty("detail").GetProperty("coalesced").GetInt32());
    }

    [Theory]
    [InlineData("2001:db8:1:2:aaaa::1", "2001:db8:1:2:bbbb::9", true)]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:3::1", false)]
    [InlineData("::ffff:10.0.0.1", "10.0.0.1", true)]
    [InlineData("10.0.0.1", "10.0.0.2", false)]
    public void Addresses_of_one_ipv6_64_are_one_source(string a, string b, bool same) =>
        Assert.Equal(same, Equals(Strata.Access.ClientSource.Of(System.Net.IPAddress.Parse(a)), Strata.Access.ClientSource.Of(System.Net.IPAddress.Parse(b))));

    [Fact]
    public async Task A_flood_of_refused_requests_leaves_one_row_and_a_counted_summary_not_a_row_each()
    {
        const int flood = 400;
        await using (var server = await StartAsync(new StrataRateLimitOptions { PermitsPerSecond = 0 }))
        {
            var refused = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
            {
                var count = 0;
                for (var i = 0; i < flood / 4; i++)
                    if (await GetAsync(server, $"Bearer strata_{Guid.NewGuid():N}") == HttpStatusCode.Unauthorized) count++;
                return count;
            }));
            Assert.Equal(flood, refused.Sum());
            // Before the interval closes, the log holds the first refusal only.
            using var admin = server.CreateClient(AdminToken);
            var now = await admin.GetFromJsonAsync<JsonElement>("api/v1/audit?action=access.denied");
            Assert.Single(now.GetProperty("audit").EnumerateArray());
        }

        // Stopping closes the interval: its summary is written before the store closes.
        await using (var server = await StartAsync(new StrataRateLimitOptions { PermitsPerSecond = 0 }))
        {
            using var admin = server.CreateClient(AdminToken);
            var rows = (await admin.GetFromJsonAsync<JsonElement>("api/v1/audit?action=access.denied")).GetProperty("audit").EnumerateArray().ToList();
            Assert.Equal(2, rows.Count);
            var summary = rows[0].GetProperty("detail");
            Assert.Equal("repeated", summary.GetProperty("reason").GetString());
            Assert.Equal(flood - 1, summary.GetProperty("coalesced").GetInt32());
            Assert.Equal("invalid token", rows[1].GetProperty("detail").GetProperty("reason").GetString());
        }
    }
}
