namespace Strata.Ui.Settings;

/// <summary>What a save would do: the changes, the settings that need a restart, and who is watching the namespace.</summary>
internal sealed record SettingsPreview(IReadOnlyList<PreviewChange> Changes, IReadOnlyList<PreviewConsumer> Consumers);
