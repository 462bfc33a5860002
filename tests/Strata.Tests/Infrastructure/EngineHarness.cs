using Strata.Storage;
using System.Collections;
using System.Text.Json;
using Strata.Engine;
using Strata.Storage.Sqlite;

namespace Strata.Tests.Infrastructure;

/// <summary>A started engine over a real SQLite file in a temp folder.</summary>
public sealed class EngineHarness : IAsyncDisposable
{
    private readonly TempDirectory _dir;
    private readonly bool _ownsDir;

    private EngineHarness(TempDirectory dir, bool ownsDir, SettingsEngine engine, IStrataStore store)
    {
        _dir = dir;
        _ownsDir = ownsDir;
        Engine = engine;
        Store = store;
    }

    internal SettingsEngine Engine { get; }

    /// <summary>The engine's store, under every store contract.</summary>
    internal IStrataStore Store { get; }

    public string DataDirectory => _dir.Path;

    /// <summary>Starts over <paramref name="dir"/> (kept afterwards) or a fresh folder (deleted on dispose).</summary>
    public static async Task<EngineHarness> StartAsync(Action<StrataOptions>? configure = null, IDictionary? environment = null, TempDirectory? dir = null)
    {
        var owns = dir is null;
        dir ??= new TempDirectory();
        var options = new StrataOptions { DataDirectory = dir.Path, EnvironmentVariables = environment ?? new Hashtable() };
        configure?.Invoke(options);
        var store = new SqliteSettingsStore(Path.Combine(dir.Path, "strata.db"));
        var engine = EngineServices.Create(options, store, TimeProvider.System);
        try
        {
            await engine.StartAsync();
        }
        catch
        {
            await engine.DisposeAsync();
            throw;
        }
        return new EngineHarness(dir, owns, engine, store);
    }

    internal Task<CommitResult> SetAsync(string ns, string key, object? value, string scope = "global", long? ifVersion = null) =>
        Engine.CommitAsync(new ChangeSet([new Change(ns, key, scope, Json(value), ifVersion)], "test"));

    internal Task<CommitResult> ResetAsync(string ns, string key, string scope = "global") =>
        Engine.CommitAsync(new ChangeSet([new Change(ns, key, scope, null)], "test"));

    public static JsonElement Json(object? value) => JsonSerializer.SerializeToElement(value);

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        if (_ownsDir) _dir.Dispose();
    }
}
