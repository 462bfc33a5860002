using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Strata.Cli.Serve;

/// <summary><c>strata serve</c>: runs the server until SIGTERM or Ctrl-C, then drains pending commits and exits 0.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Data folder (SQLite database unless --postgres; signing key), created 0700", DefaultValueFactory = _ => "data" };
        var postgres = new Option<string?>("--postgres")
        {
            Description = $"Keep the data in PostgreSQL, shared by every instance given the same one: an Npgsql connection string (or {ServerHost.PostgresVariable})",
        };
        var urls = new Option<string?>("--urls") { Description = $"Listen addresses, ';'-separated (or ASPNETCORE_URLS). Default {ServerHost.DefaultUrl}" };
        var definitions = new Option<string?>("--definitions") { Description = "YAML file of namespace and setting definitions" };
        var command = new Command("serve", "Run the Strata server") { data, urls, definitions, postgres };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (result, ct) =>
        {
            var settings = new ServeSettings(Path.GetFullPath(result.GetValue(data)!), result.GetValue(urls), result.GetValue(definitions),
                result.GetValue(postgres) ?? Environment.GetEnvironmentVariable(ServerHost.PostgresVariable));
            var footprint = StartFootprint.Before(settings.DataDirectory);
            WebApplication? app = null;
            try
            {
                app = ServerHost.Build(settings, [.. result.UnmatchedTokens]);
                await app.StartAsync(ct);
            }
            catch (Exception e)
            {
                var postgres = app is not null && ServerHost.Postgres(app) is not null;
                // Close the store before taking back what this start created: the database, its token, the folder.
                if (app is not null) await CloseAfterFailedStartAsync(app);
                var left = footprint.Undo();
                var (message, code) = StartFailure.Describe(e, settings, postgres);
                await Console.Error.WriteLineAsync($"strata: {message}{(left.Count > 0 ? $" (could not remove what this start created: {string.Join(", ", left)})" : "")}");
                return code;
            }
            foreach (var address in ServerHost.Addresses(app))
                Console.WriteLine($"strata: listening on {address}");
            Console.WriteLine(ServerHost.Postgres(app) is { } store
                ? $"strata: data in PostgreSQL ({store}), local files in {settings.DataDirectory}"
                : $"strata: data in {settings.DataDirectory}");
            var engine = app.Services.GetRequiredService<Engine.SettingsEngine>();
            if (settings.DefinitionsFile is { } file)
                Console.WriteLine($"strata: definitions from {Path.GetFullPath(file)}: {engine.Registry.Namespaces.Count} namespace(s), {engine.Registry.All.Count()} setting(s)");
            Console.WriteLine(engine.Secrets.Enabled
                ? $"strata: secrets encrypted at rest (active data key {engine.Secrets.ActiveKeyId})"
                : $"strata: no master key ({Security.MasterKey.Variable}): settings cannot be defined sensitive");
            if (engine.Tokens.BootstrapTokenFile is { } tokenFile)
                Console.WriteLine($"strata: admin token written to {tokenFile} (readable only by you; it is not shown again)");
            await app.WaitForShutdownAsync(CancellationToken.None);
            await app.DisposeAsync();
            Console.WriteLine("strata: stopped");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task CloseAfterFailedStartAsync(WebApplication app)
    {
        try
        {
            await app.DisposeAsync();
        }
        catch (Exception)
        {
            // The start failure is what the operator needs to read; a second failure while closing would hide it.
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}
