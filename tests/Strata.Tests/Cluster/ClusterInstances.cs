using System.Security.Cryptography;
using Strata.Registry;
using Strata.Security;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Cluster;

/// <summary>
/// Instances of one Strata on one PostgreSQL schema, each a real server on Kestrel with a data folder of its own and
/// what docs/postgresql.md tells operators to give every instance alike: the signing key, the master key and the
/// admin token. Anonymous callers may do nothing; rate limiting is off, so load tests measure the store.
/// </summary>
internal sealed class ClusterInstances : IAsyncDisposable
{
    public const string AdminToken = "cluster-tests-admin-token-0123456789abcdef";
    private readonly List<TempDirectory> _dirs = [];
    private readonly List<HttpClient> _clients = [];
    private readonly List<TestServer> _servers = [];

    private ClusterInstances(PostgresServer postgres, string schema)
    {
        Postgres = postgres;
        Schema = schema;
    }

    public PostgresServer Postgres { get; }
    public string Schema { get; }
    public string SigningKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    public string MasterKey { get; } = Strata.Security.MasterKey.Generate();
    public IReadOnlyList<TestServer> Servers => _servers;

    /// <summary>Each server's admin client (answers checked against the served document), in the order of <see cref="Servers"/>.</summary>
    public IReadOnlyList<HttpClient> Admins => _clients;

    /// <summary>The definitions every instance runs with: two sensitive settings per test of key rotation.</summary>
    public static void Definitions(StrataOptions o)
    {
        foreach (var key in new[] { "before", "after", "during" })
            o.Define(new SettingDefinition { Namespace = "vault", Key = key, Type = SettingType.String, Sensitive = true });
    }

    public static async Task<ClusterInstances> StartAsync(PostgresServer postgres, int count = 3)
    {
        var cluster = new ClusterInstances(postgres, postgres.NewSchema());
        try
        {
            // They start one at a time (the store's start lock) whatever the order; together is as quick as it gets.
            foreach (var server in await Task.WhenAll(Enumerable.Range(0, count).Select(_ => cluster.StartOneAsync())))
            {
                cluster._servers.Add(server);
                var admin = server.CreateClient(AdminToken);
                admin.Timeout = TimeSpan.FromSeconds(20);
                cluster._clients.Add(admin);
            }
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private Task<TestServer> StartOneAsync()
    {
        var dir = new TempDirectory();
        lock (_dirs) _dirs.Add(dir);
        return TestServer.StartAsync(o =>
            {
                o.EnvironmentVariables![Strata.Security.SigningKey.Variable] = SigningKey;
                o.EnvironmentVariables["STRATA_ADMIN_TOKEN"] = AdminToken;
                o.RateLimit.PermitsPerSecond = 0;
                Definitions(o);
            }, dir: dir, masterKey: MasterKey, anonymousGrants: [], postgres: (Postgres.ConnectionString, Schema))
            .WaitAsync(TimeSpan.FromSeconds(60));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients) client.Dispose();
        foreach (var server in _servers) await server.DisposeAsync();
        foreach (var dir in _dirs) dir.Dispose();
    }
}
