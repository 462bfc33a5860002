using System.Net;
using Strata.Storage;
using Strata.Storage.Sqlite;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Cli;

/// <summary>The first start writes admin.token and commits its row together, or neither; it never follows a symbolic link.</summary>
public sealed class BootstrapTokenFileTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_leftover_admin_token_file_stops_the_first_start_and_is_left_as_it_was()
    {
        var data = _dir.File("data");
        Directory.CreateDirectory(data);
        var tokenFile = Path.Combine(data, "admin.token");
        await File.WriteAllTextAsync(tokenFile, "strata_from-an-older-database\n");

        var (code, stdout, stderr) = await CliProcess.RunAsync(["serve", "--urls", "http://127.0.0.1:0", "--data", data]);

        Assert.Equal(9, code);
        var line = ServeStartFailureTests.OneStrataLine(stdout, stderr);
        Assert.Contains($"{tokenFile} already exists", line);
        Assert.Contains("Remove it", line);
        Assert.Equal("strata_from-an-older-database\n", await File.ReadAllTextAsync(tokenFile));
        Assert.Equal(["admin.token"], Directory.GetFiles(data).Select(Path.GetFileName));

        File.Delete(tokenFile);
        await AssertNextStartBootstrapsAWorkingAdminTokenAsync(data);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_symbolic_link_at_admin_token_stops_the_first_start_and_its_target_is_not_written(bool targetExists)
    {
        var data = _dir.File("data");
        Directory.CreateDirectory(data);
        var target = _dir.File("elsewhere");
        if (targetExists) await File.WriteAllTextAsync(target, "precious\n");
        var link = Path.Combine(data, "admin.token");
        File.CreateSymbolicLink(link, target);

        var (code, stdout, stderr) = await CliProcess.RunAsync(["serve", "--urls", "http://127.0.0.1:0", "--data", data]);

        Assert.Equal(9, code);
        Assert.Contains($"{link} is a symbolic link", ServeStartFailureTests.OneStrataLine(stdout, stderr));
        if (targetExists) Assert.Equal("precious\n", await File.ReadAllTextAsync(target));
        else Assert.False(File.Exists(target));
        Assert.Equal(target, new FileInfo(link).LinkTarget);

        File.Delete(link);
        await AssertNextStartBootstrapsAWorkingAdminTokenAsync(data);
    }

    [Fact]
    public async Task A_bootstrap_that_cannot_write_its_file_commits_no_token_row()
    {
        // In process, without serve's clean-up: the store itself must hold no token after the failed start.
        var tokenFile = _dir.Write("admin.token", "leftover\n");
        var failure = await Assert.ThrowsAnyAsync<IOException>(() => TestServer.StartAsync(dir: _dir, anonymousGrants: []));
        Assert.Contains("already exists", failure.Message);
        await using (var store = new SqliteSettingsStore(_dir.File("strata.db")))
            Assert.Empty(await store.TokensAsync());

        File.Delete(tokenFile);
        await using var server = await TestServer.StartAsync(dir: _dir, anonymousGrants: []);
        server.Http.DefaultRequestHeaders.Authorization = new("Bearer", (await File.ReadAllTextAsync(tokenFile)).Trim());
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync("api/v1/tokens")).StatusCode);
    }

    private static async Task AssertNextStartBootstrapsAWorkingAdminTokenAsync(string data)
    {
        var (process, address, _) = await StrataProcess.ServeAsync(data);
        try
        {
            using var http = OpenApiContractHandler.Client(address, (await File.ReadAllTextAsync(Path.Combine(data, "admin.token"))).Trim());
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("api/v1/tokens")).StatusCode);
        }
        finally
        {
            await CliProcess.StopAsync(process);
        }
    }
}
