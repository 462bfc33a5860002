namespace Strata.Ui.Settings;

/// <summary>What a save would do: the changes, the settings that need a restart, and who is watching the namespace.</summary>
internal sealed record SettingsPreview(IReadOnlyList<PreviewChange> Changes, IReadOnlyList<PreviewConsumer> Consumers);

/// <summary>One change a save would make at <see cref="Scope"/>: old and new as shown (masked when sensitive), or a reset.</summary>
internal sealed record PreviewChange(string Key, string Scope, string Old, string New, bool Reset, bool RestartRequired);

/// <summary>A connected consumer watching the namespace, which a save reaches through its watch.</summary>
internal sealed record PreviewConsumer(string? Application, string Instance, string? Host, long AppliedRevision);
