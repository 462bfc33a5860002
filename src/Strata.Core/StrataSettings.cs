using Strata.Engine;

namespace Strata;

/// <summary>
/// Typed, in-process reads of resolved settings (global scope). Served from the in-memory snapshot: no I/O, and no
/// allocation once a value has been read.
/// </summary>
public sealed class StrataSettings
{
    private readonly SettingsEngine _engine;

    internal StrataSettings(SettingsEngine engine) => _engine = engine;

    /// <summary>The revision of the snapshot reads are served from.</summary>
    public long Revision => _engine.Current.Revision;

    /// <summary>The resolved value as <typeparamref name="T"/>; throws <see cref="KeyNotFoundException"/> naming the key when no layer has one.</summary>
    public T GetValue<T>(string ns, string key) =>
        TryGetValue<T>(ns, key, out var value) ? value : throw new KeyNotFoundException($"Setting '{ns}/{key}' has no value in any layer.");

    /// <summary>The resolved value as <typeparamref name="T"/>, if any layer has one.</summary>
    public bool TryGetValue<T>(string ns, string key, out T value)
    {
        if (_engine.Get(ns, key) is { } resolved)
        {
            value = resolved.As<T>();
            return true;
        }
        value = default!;
        return false;
    }
}
