using Strata.Registry;
using Strata.Resolution;

namespace Strata.Ui.Settings;

/// <summary>
/// One setting on the page: what it resolves to and why, and its field. <see cref="Value"/> is the field's text (the
/// user's, after a preview), <see cref="Original"/> and <see cref="Version"/> what the form was rendered from: a save
/// changes only fields that differ from it, conditional on that version of the override at the target scope.
/// </summary>
internal sealed record SettingRow(
    string Key,
    RegisteredSetting? Definition,
    ResolvedSetting? Resolved,
    string Value,
    string Original,
    long Version,
    bool HasOverrideAtTarget,
    LastChange? Last,
    string? NotEditable)
{
    public bool Reset { get; init; }
    public IReadOnlyList<string> Errors { get; init; } = [];
    public SettingConflict? Conflict { get; init; }

    /// <summary>The value in clear, after a permitted reveal.</summary>
    public string? Revealed { get; init; }

    public bool Sensitive => Definition?.Sensitive == true;
    public bool RestartRequired => Definition?.Definition.RestartRequired == true;
}
