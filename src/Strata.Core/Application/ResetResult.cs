using Strata.Engine;

namespace Strata.Application;

/// <summary>
/// What a reset did: <see cref="Applied"/> is null when there was no override to remove. Names are the stored
/// spelling when there was one, and the scope is normalised.
/// </summary>
internal sealed record ResetResult(long Revision, AppliedChange? Applied, string Namespace, string Key, string? Scope)
{
    public bool Reset => Applied is not null;
}
