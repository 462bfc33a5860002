using Strata.Validation;

namespace Strata.Engine;

/// <summary>The request broke one or more rules; nothing was stored.</summary>
internal sealed class SettingsValidationException(IReadOnlyList<ValidationError> errors)
    : Exception(errors.Count == 1 ? errors[0].Message : $"{errors.Count} validation errors: {errors[0].Message}")
{
    public IReadOnlyList<ValidationError> Errors { get; } = errors;
}

/// <summary>A conditional write named a version that is no longer current; nothing was stored.</summary>
internal sealed class VersionConflictException(string ns, string key, string scope, long expected, long current)
    : Exception($"{ns}/{key} at scope {scope} is at version {current}, not {expected}; read it again and retry.")
{
    public string Namespace { get; } = ns;
    public string Key { get; } = key;
    public string Scope { get; } = scope;
    public long CurrentVersion { get; } = current;
}
