namespace Strata.Ui.Settings;

/// <summary>The latest write of the override a value came from: when (Unix ms), by whom, and its comment.</summary>
internal sealed record LastChange(long At, string Actor, string? Comment);
