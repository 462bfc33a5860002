namespace Strata.Application;

/// <summary>The overrides of <see cref="Namespace"/> that differ from revision <see cref="From"/> to <see cref="To"/>, by key and scope.</summary>
internal sealed record NamespaceDiff(string Namespace, long From, long To, IReadOnlyList<OverrideDifference> Changes);
