using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Strata.Security;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Access;

/// <summary>An answer tells a caller only what its grants let it know: no value to a writer, no secret comparison without reveal.</summary>
public sealed class LeastPrivilegeTests : IAsyncLifetime
{
    private const string AdminToken = "least-privilege-admin-0123456789abcdef";
    private TestServer _server = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(o =>
        {
            o.Define(new SettingDefinition { Namespace = "vault", Key = "pin", Type = SettingType.String, Sensitive = true });
            o.Define(new SettingDefinition { Namespace = "vault", Key = "limit", Type = SettingType.Int, Default = 4242, Scopes = ["global", "user"] });
            o.Define(new SettingDefinition { Namespace = "vault", Key = "region", Type = SettingType.String });
            o.EnvironmentVariables!["STRATA_ADMIN_TOKEN"] = AdminToken;
            o.EnvironmentVariables["STRATA_vault__region"] = "env-only-eu-west";
            // The environment outranks overrides here, so what a read gets is not what a writer wrote.
            o.LayerOrder = [SettingLayer.Environment, SettingLayer.Override, SettingLayer.Code];
        }, anonymousGrants: [], masterKey: MasterKey.Generate());
        _admin = Client(AdminToken);
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _server.DisposeAsync();
    }

    private HttpClient Client(string token) => _server.CreateClient(token);

    private async Task<HttpClient> ClientWithAsync(params string[] grants)
    {
        var created = await (await _admin.PostAsync("api/v1/tokens", JsonContent.Create(new { name = "t", grants }))).ReadJsonAsync();
        return Client(created.GetProperty("token").GetString()!);
    }

    private async Task<long> RevisionAsync() => (await _admin.GetFromJsonAsync<JsonElement>("api/v1/revision")).GetProperty("revision").GetInt64();

    [Fact]
    public async Task A_write_only_token_learns_no_value_from_a_reset()
    {
        using var writer = await ClientWithAsync("config.write:vault");
        await writer.PutAsync("api/v1/settings/vault/limit", JsonContent.Create(new { value = 1 }));

        var reset = await writer.DeleteAsync("api/v1/settings/vault/limit");
        var unused = await writer.DeleteAsync("api/v1/settings/vault/limit?scope=user:nobody");

        foreach (var answer in new[] { await reset.Content.ReadAsStringAsync(), await unused.Content.ReadAsStringAsync() })
        {
            Assert.DoesNotContain("4242", answer);
            Assert.DoesNotContain("\"value\"", answer);
        }
        Assert.True((await reset.ReadJsonAsync()).GetProperty("reset").GetBoolean());
        Assert.False((await unused.ReadJsonAsync()).GetProperty("reset").GetBoolean());
    }

    [Fact]
    public async Task A_write_only_token_gets_back_what_it_wrote_not_what_a_read_would_get()
    {
        using var writer = await ClientWithAsync("config.write:vault");
        using var reader = await ClientWithAsync("config.read:vault", "config.write:vault");

        var written = await (await writer.PutAsync("config/vault/region", JsonContent.Create("mine"))).ReadJsonAsync();
        var read = await (await reader.PutAsync("config/vault/region", JsonContent.Create("theirs"))).ReadJsonAsync();

        Assert.Equal(("mine", "override"), (written.GetProperty("value").GetString(), written.GetProperty("source").GetString()));
        Assert.Equal(("env-only-eu-west", "environment"), (read.GetProperty("value").GetString(), read.GetProperty("source").GetString()));
    }

    [Fact]
    public async Task Diff_never_confirms_a_guessed_secret_to_a_caller_without_reveal()
    {
        await _admin.PutAsync("api/v1/settings/vault/pin", JsonContent.Create(new { value = "4821" }));
        var real = await RevisionAsync();
        using var guesser = await ClientWithAsync("config.read:vault", "config.write:vault");

        var outcomes = new List<int>();
        foreach (var guess in new[] { "1234", "4821" })
        {
            await guesser.PutAsync("api/v1/settings/vault/pin", JsonContent.Create(new { value = guess }));
            var diff = await guesser.GetFromJsonAsync<JsonElement>($"api/v1/settings/vault/_diff?from={real}");
            outcomes.Add(diff.GetProperty("changes").GetArrayLength());
        }

        // The right guess looks exactly like the wrong one.
        Assert.Equal([1, 1], outcomes);
    }

    [Fact]
    public async Task Diff_does_not_tell_a_reader_whether_a_secret_returned_to_an_earlier_value()
    {
        await _admin.PutAsync("api/v1/settings/vault/pin", JsonContent.Create(new { value = "a" }));
        var first = await RevisionAsync();
        await _admin.PutAsync("api/v1/settings/vault/pin", JsonContent.Create(new { value = "b" }));
        await _admin.PutAsync("api/v1/settings/vault/pin", JsonContent.Create(new { value = "a" }));
        using var reader = await ClientWithAsync("config.read:vault");
        using var revealer = await ClientWithAsync("config.read:vault", "secrets.reveal:vault");

        var blind = await reader.GetFromJsonAsync<JsonElement>($"api/v1/settings/vault/_diff?from={first}");
        var clear = await revealer.GetFromJsonAsync<JsonElement>($"api/v1/settings/vault/_diff?from={first}");

        Assert.Equal("changed", blind.GetProperty("changes")[0].GetProperty("change").GetString());
        Assert.Equal("********", blind.GetProperty("changes")[0].GetProperty("new").GetString());
        Assert.Equal(0, clear.GetProperty("changes").GetArrayLength());
    }

    [Fact]
    public async Task A_namespace_rollback_writes_a_secret_back_whether_or_not_it_was_guessed_right()
    {
        await _admin.PutAsync("api/v1/settings/vault/pin", JsonContent.Create(new { value = "4821" }));
        var real = await RevisionAsync();
        using var guesser = await ClientWithAsync("config.read:vault", "config.write:vault");
        await guesser.PutAsync("api/v1/settings/vault/pin", JsonContent.Create(new { value = "4821" }));

        var rollback = await (await guesser.PostAsync("api/v1/settings/vault/_rollback", JsonContent.Create(new { revision = real }))).ReadJsonAsync();

        Assert.Equal("pin", Assert.Single(rollback.GetProperty("applied").EnumerateArray()).GetProperty("key").GetString());
    }
}
