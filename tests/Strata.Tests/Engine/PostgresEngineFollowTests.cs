using System.Collections;
using System.Text.Json;
using Strata.Engine;
using Strata.PostgreSql;
using Strata.Registry;
using Strata.Security;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Engine;

/// <summary>Two engines on one PostgreSQL schema: versions decided under the store's lock, and each follows the other.</summary>
public sealed class PostgresEngineFollowTests : IAsyncLifetime
{
    private readonly Hashtable _environment = new() { [MasterKey.Variable] = MasterKey.Generate() };
    private readonly List<(SettingsEngine Engine, TempDirectory Dir)> _engines = [];
    private PostgresServer _server = null!;
    private string _schema = "";

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.Shared;
        _schema = _server.NewSchema();
    }

    public async Task DisposeAsync()
    {
        foreach (var (engine, dir) in _engines)
        {
            await engine.DisposeAsync();
            dir.Dispose();
        }
    }

    private async Task<SettingsEngine> StartAsync()
    {
        var dir = new TempDirectory();
        var options = new StrataOptions { DataDirectory = dir.Path, EnvironmentVariables = _environment };
        options.Define(new SettingDefinition { Namespace = "app", Key = "limit", Type = SettingType.Int });
        var engine = EngineServices.Create(options, new PostgresStore(_server.ConnectionString, _schema), TimeProvider.System);
        _engines.Add((engine, dir));
        await engine.StartAsync();
        return engine;
    }

    private static Task<CommitResult> SetAsync(SettingsEngine engine, int value, long? ifVersion = null) =>
        engine.CommitAsync(new ChangeSet([new Change("app", "limit", "global", JsonSerializer.SerializeToElement(value), ifVersion)], "test"));

    [Fact]
    public async Task A_stale_engine_takes_in_the_other_s_commits_before_checking_its_own_versions()
    {
        var (a, b) = (await StartAsync(), await StartAsync());
        await SetAsync(a, 1);

        var conflict = await Assert.ThrowsAsync<VersionConflictException>(() => SetAsync(b, 2, ifVersion: 0));
        Assert.Equal(1, conflict.CurrentVersion);

        var result = await SetAsync(b, 2, ifVersion: 1);
        Assert.Equal((2L, 2L), (result.Revision, result.Applied.Single().Version));
        await a.FollowAsync();
        Assert.Equal(2, a.Get("app", "limit")!.Value.GetInt32());
    }

    [Fact]
    public async Task Two_engines_racing_on_one_version_give_exactly_one_success_and_gap_free_revisions()
    {
        var (a, b) = (await StartAsync(), await StartAsync());
        await SetAsync(a, 1);
        await b.FollowAsync();

        for (var round = 1; round <= 20; round++)
        {
            var version = a.Get("app", "limit")!.Stored!.Version;
            var outcomes = await Task.WhenAll(Outcome(SetAsync(a, round * 10, version)), Outcome(SetAsync(b, round * 10 + 1, version)));
            Assert.Equal(1, outcomes.Count(ok => ok));
            await a.FollowAsync();
            await b.FollowAsync();
            Assert.Equal(round + 1, a.Current.Revision);
            Assert.Equal(a.Current.Revision, b.Current.Revision);
            Assert.Equal(version + 1, b.Get("app", "limit")!.Stored!.Version);
        }
    }

    private static async Task<bool> Outcome(Task<CommitResult> commit)
    {
        try
        {
            await commit;
            return true;
        }
        catch (VersionConflictException)
        {
            return false;
        }
    }
}
