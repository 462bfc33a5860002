namespace Strata.Ui.Settings;

/// <summary>A save lost a race on this key: someone wrote <see cref="Theirs"/> (masked when sensitive) since the form was rendered.</summary>
internal sealed record SettingConflict(string Theirs, long Version, LastChange? By);
