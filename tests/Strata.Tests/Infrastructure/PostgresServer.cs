using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Strata.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL cluster of the tests' own: <c>initdb</c> into a temp folder, <c>pg_ctl start</c> on a free port of
/// 127.0.0.1 with fsync on (acknowledged means durable), stopped and deleted at the end; never a system service.
/// <see cref="Shared"/> is one cluster for the whole run, where each test takes a schema of its own
/// (<see cref="NewSchema"/>); a test that stops the server (<see cref="StopAsync"/>) starts one of its own. PostgreSQL
/// refuses to run as root: as root (CI, this machine), the cluster belongs to Debian's <c>postgres</c> user.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private const string Database = "strata";
    private const string User = "strata";
    private static readonly Lazy<Task<PostgresServer>> SharedServer = new(() => StartNewAsync());

    private readonly TempDirectory _dir;
    private readonly string _bin;
    private readonly bool _asPostgres;
    private int _schemas;
    private int _disposed;

    private PostgresServer(TempDirectory dir, string bin, bool asPostgres, int port)
    {
        _dir = dir;
        _bin = bin;
        _asPostgres = asPostgres;
        Port = port;
    }

    /// <summary>The run's cluster, started on first use and stopped when the test process exits.</summary>
    public static Task<PostgresServer> Shared => SharedServer.Value;

    public int Port { get; }

    private string DataDirectory => _dir.File("data");

    /// <summary>The database every store of the tests uses (each in its own schema).</summary>
    public string ConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = User,
        Database = Database,
        Timeout = 5,
        CommandTimeout = 30,
    }.ConnectionString;

    /// <summary>A schema name no other test uses (the store creates it when it migrates).</summary>
    public string NewSchema() => $"t{Interlocked.Increment(ref _schemas)}_{Guid.NewGuid():N}"[..24];

    /// <summary>Starts a cluster of its own, for a test that stops or restarts it.</summary>
    public static async Task<PostgresServer> StartNewAsync()
    {
        var bin = FindBinaries();
        var asPostgres = Environment.IsPrivilegedProcess;
        var dir = new TempDirectory();
        try
        {
            // The server's own user must own its folders; root only has to let it in.
            if (asPostgres) await RunAsync("chown", ["postgres:postgres", dir.Path], asPostgres: false);
            await RunAsync(Path.Combine(bin, "initdb"),
                ["-D", dir.File("data"), "-A", "trust", "-U", User, "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"], asPostgres);
            var server = new PostgresServer(dir, bin, asPostgres, FreePort());
            await server.StartAsync();
            await using (var connection = new NpgsqlConnection(server.AdminConnectionString))
            {
                await connection.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE {Database}", connection);
                await create.ExecuteNonQueryAsync();
            }
            // The shared one is never disposed by a test, and a test that fails early may not dispose its own.
            AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            return server;
        }
        catch
        {
            dir.Dispose();
            throw;
        }
    }

    /// <summary>Starts the server (again) on its port, and waits until it takes connections.</summary>
    public Task StartAsync() => RunAsync(Path.Combine(_bin, "pg_ctl"),
        ["-D", DataDirectory, "-l", _dir.File("server.log"), "-w", "-t", "60", "-o",
         $"-p {Port} -k {_dir.Path} -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=300", "start"], _asPostgres,
        _dir.File("server.log"));

    /// <summary>Stops the server; its clients' connections break (fast shutdown: sessions are ended, nothing committed is lost).</summary>
    public Task StopAsync() => RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", DataDirectory, "-m", "fast", "-w", "-t", "60", "stop"], _asPostgres);

    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAsync();
    }

    /// <summary>Opens a connection to the tests' database, outside any store.</summary>
    public async Task<NpgsqlConnection> ConnectAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        try
        {
            await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", DataDirectory, "-m", "immediate", "-w", "stop"], _asPostgres);
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }
        NpgsqlConnection.ClearAllPools();
        _dir.Dispose();
    }

    private string AdminConnectionString => new NpgsqlConnectionStringBuilder(ConnectionString) { Database = "postgres", Pooling = false }.ConnectionString;

    private static string FindBinaries()
    {
        // Debian installs them per major version, off PATH; the newest installed wins.
        var found = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(b => File.Exists(Path.Combine(b, "initdb")) && File.Exists(Path.Combine(b, "pg_ctl")))
                .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;
        found ??= (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
        return found ?? throw new InvalidOperationException(
            "PostgreSQL is not installed: no initdb and pg_ctl under /usr/lib/postgresql/*/bin or on PATH. Install Debian's 'postgresql' package (.ci/run does).");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string file, string[] args, bool asPostgres, string? log = null)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asPostgres)
        {
            foreach (var a in new[] { "-u", "postgres", "--", file }) start.ArgumentList.Add(a);
        }
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not run {file}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', args)} did not finish in 90 s.");
        }
        if (process.ExitCode != 0)
        {
            var serverLog = log is not null && File.Exists(log) ? File.ReadAllText(log) : "";
            throw new InvalidOperationException(
                $"{Path.GetFileName(file)} {string.Join(' ', args)} failed ({process.ExitCode}){(asPostgres ? " as user postgres" : "")}: {await output}{await error}{serverLog}");
        }
    }
}
