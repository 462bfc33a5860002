namespace Strata.Redis;

/// <summary>Which stored versions a publication may follow.</summary>
internal enum RedisPublicationRule
{
    /// <summary>Only a stored version below it: a commit, published once.</summary>
    Above,

    /// <summary>A stored version below or equal to it: the same state written again (after a reconnect, or a reload).</summary>
    AboveOrSame,
}
