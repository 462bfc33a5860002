namespace Strata.Ui.Settings;

/// <summary>A connected consumer watching the namespace, which a save reaches through its watch.</summary>
internal sealed record PreviewConsumer(string? Application, string Instance, string? Host, long AppliedRevision);
