namespace Strata.Application;

/// <summary>
/// An override whose live value differs between two states of a namespace, as compact JSON (null = no live value
/// there). <see cref="Sensitive"/>: the values must be masked when shown.
/// </summary>
internal sealed record OverrideDifference(string Key, string Scope, string? Old, string? New, bool Sensitive);
