namespace Strata.Client.Internal;

/// <summary>What a client has applied: the revision and every setting by <c>Namespace:Key</c> (what the last-known-good file keeps).</summary>
internal sealed record AppliedState(long Revision, IReadOnlyDictionary<string, AppliedSetting> Settings);
