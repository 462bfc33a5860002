using Strata.Tests.Infrastructure;

namespace Strata.Tests.Cli;

/// <summary><c>strata serve</c> on PostgreSQL: <c>--postgres</c>, <c>STRATA_POSTGRES</c>, and a start that cannot reach it.</summary>
public sealed class PostgresServeTests : IDisposable
{
    private const string Unreachable = "Host=127.0.0.1;Port=1;Username=strata;Password=hunter2hunter2;Timeout=5";
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Serve_with_an_unreachable_postgres_exits_9_in_one_line_without_the_password_and_keeps_nothing()
    {
        var data = _dir.File("data");

        var (code, stdout, stderr) = await CliProcess.RunAsync(["serve", "--urls", "http://127.0.0.1:0", "--data", data, "--postgres", Unreachable]);

        Assert.Equal(9, code);
        var line = ServeStartFailureTests.OneStrataLine(stdout, stderr);
        Assert.Contains("cannot use the PostgreSQL store: Failed to connect to 127.0.0.1:1.", line);
        Assert.Contains("--postgres", line);
        Assert.DoesNotContain("hunter2", stdout + stderr);
        Assert.False(Path.Exists(data));
    }

    [Fact]
    public async Task Serve_takes_the_postgres_connection_string_from_STRATA_POSTGRES()
    {
        var (code, stdout, stderr) = await CliProcess.RunAsync(["serve", "--urls", "http://127.0.0.1:0", "--data", _dir.File("data")],
            new Dictionary<string, string> { ["STRATA_POSTGRES"] = Unreachable });

        Assert.Equal(9, code);
        Assert.Contains("cannot use the PostgreSQL store", ServeStartFailureTests.OneStrataLine(stdout, stderr));
    }

    [Fact]
    public async Task Serve_on_postgres_says_where_the_data_is_without_credentials_and_stops_cleanly()
    {
        var cluster = await PostgresServer.Shared;
        var schema = cluster.NewSchema();
        var info = StrataProcess.StartInfo(["serve", "--urls", "http://127.0.0.1:0", "--data", _dir.File("data"),
            "--postgres", cluster.ConnectionString + ";Password=unused-secret", $"--Strata:PostgreSql:Schema={schema}"]);
        var (process, address, output) = await StrataProcess.ServeAsync(info);
        try
        {
            using var http = new HttpClient { BaseAddress = address };
            Assert.True((await http.GetAsync("readyz")).IsSuccessStatusCode);
        }
        finally
        {
            await CliProcess.StopAsync(process);
        }
        var text = output.ToString();
        Assert.Contains($"strata: data in PostgreSQL (127.0.0.1:{cluster.Port}/strata, schema {schema}), local files in {_dir.File("data")}", text);
        Assert.DoesNotContain("unused-secret", text);
        Assert.Contains("strata: stopped", text);
    }
}
