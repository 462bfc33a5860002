namespace Strata.Ui.History;

/// <summary>
/// What changed between two values of a setting, as a page shows it. Objects and arrays are compared line by line
/// as pretty-printed (one member or item a line), scalars as old → new; masked values are never compared.
/// </summary>
/// <param name="Old">The older value as shown (JSON, the mask, or null when there was no override).</param>
/// <param name="New">The newer value as shown.</param>
/// <param name="Masked">Sensitive: both values are the mask, never compared.</param>
/// <param name="Lines">The line diff, for objects and arrays; null for scalars and masked values.</param>
internal sealed record ValueDiff(string? Old, string? New, bool Masked, IReadOnlyList<DiffLine>? Lines)
{
    public bool Same => !Masked && Old == New;
}
