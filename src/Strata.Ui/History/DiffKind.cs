namespace Strata.Ui.History;

/// <summary>How one line of a value diff relates the two versions.</summary>
internal enum DiffKind
{
    Same,
    Removed,
    Added,
}
