namespace Strata.Ui.History;

/// <summary>One line of a diff between two JSON values as they are pretty-printed.</summary>
internal sealed record DiffLine(DiffKind Kind, string Text);
