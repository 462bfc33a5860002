namespace Strata.Cluster;

/// <summary>What another instance changed that this one keeps in memory.</summary>
internal enum ClusterTopic
{
    /// <summary>Anything: the signals may have been missed (the listening connection came back), so reload everything.</summary>
    All,
    /// <summary>New commits to the settings log.</summary>
    Commits,
    Tokens,
    DataKeys,
    Users,
    Sessions,
}
