using System.Collections;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Strata.Engine;
using Strata.Storage.Sqlite;

namespace Strata.Tests.Infrastructure;

/// <summary>A started engine over a real SQLite file in a temp folder.</summary>
public sealed class EngineHarness : IAsyncDisposable
{
    private readonly TempDirectory _dir;

    private EngineHarness(TempDirectory dir, SettingsEngine engine)
    {
        _dir = dir;
        Engine = engine;
    }

    internal SettingsEngine Engine { get; }

    public string DataDirectory => _dir.Path;

    public static async Task<EngineHarness> StartAsync(Action<StrataOptions>? configure = null, IDictionary? environment = null, TempDirectory? dir = null)
    {
        dir ??= new TempDirectory();
        var options = new StrataOptions { DataDirectory = dir.Path, EnvironmentVariables = environment ?? new Hashtable() };
        configure?.Invoke(options);
        var engine = new SettingsEngine(options, new SqliteSettingsStore(Path.Combine(dir.Path, "strata.db")), TimeProvider.System, NullLogger<SettingsEngine>.Instance);
        await engine.StartAsync();
        return new EngineHarness(dir, engine);
    }

    internal Task<CommitResult> SetAsync(string ns, string key, object? value, string scope = "global", long? ifVersion = null) =>
        Engine.CommitAsync(new ChangeSet([new Change(ns, key, scope, Json(value), ifVersion)], "test"));

    internal Task<CommitResult> ResetAsync(string ns, string key, string scope = "global") =>
        Engine.CommitAsync(new ChangeSet([new Change(ns, key, scope, null)], "test"));

    public static JsonElement Json(object? value) => JsonSerializer.SerializeToElement(value);

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        _dir.Dispose();
    }
}
