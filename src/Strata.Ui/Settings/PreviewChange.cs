namespace Strata.Ui.Settings;

/// <summary>One change a save would make at <see cref="Scope"/>: old and new as shown (masked when sensitive), or a reset.</summary>
internal sealed record PreviewChange(string Key, string Scope, string Old, string New, bool Reset, bool RestartRequired);
