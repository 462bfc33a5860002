namespace Strata.Ui.History;

/// <summary>
/// One version of a key at one scope. <see cref="Value"/> is as shown: JSON, the mask when sensitive, or null when
/// this version removed the override (a reset to the default).
/// </summary>
internal sealed record KeyVersion(long Version, long Revision, long At, string Actor, string? Comment, string Change, string? Value, bool Masked);
