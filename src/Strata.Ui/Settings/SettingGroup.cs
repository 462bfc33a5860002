namespace Strata.Ui.Settings;

/// <summary>The settings of one <c>group</c>, in definition order.</summary>
internal sealed record SettingGroup(string Name, IReadOnlyList<SettingRow> Settings);
