namespace Strata;

/// <summary>Where the Redis bridge publishes: bound from <c>Strata:Redis</c> (docs/bridges.md).</summary>
public sealed class StrataRedisOptions
{
    /// <summary>A StackExchange.Redis configuration string, for example <c>redis:6379,password=…,ssl=true</c>. Required.</summary>
    public string? Configuration { get; set; }

    /// <summary>The key that holds the signed snapshot of every namespace. <c>strata:config</c> by default.</summary>
    public string SnapshotKey { get; set; } = "strata:config";

    /// <summary>The key that holds the revision of the snapshot. <c>strata:config:version</c> by default.</summary>
    public string VersionKey { get; set; } = "strata:config:version";

    /// <summary>The pub/sub channel each revision's message goes to. <c>strata:config_channel</c> by default.</summary>
    public string Channel { get; set; } = "strata:config_channel";

    /// <summary>Also keep a signed snapshot of each namespace at <c>SnapshotKey:&lt;namespace&gt;</c>. Off by default.</summary>
    public bool PerNamespace { get; set; }
}
