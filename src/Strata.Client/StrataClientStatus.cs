namespace Strata.Client;

/// <summary>A Strata client's state at one moment (see <see cref="StrataConfigurationExtensions.GetStrataStatus"/>).</summary>
public sealed record StrataClientStatus
{
    /// <summary>Where the served values came from.</summary>
    public StrataDataSource Source { get; init; }

    /// <summary>The server revision the served values are current through; 0 when nothing is loaded.</summary>
    public long Revision { get; init; }

    /// <summary>True while the watch stream to the server is open.</summary>
    public bool Connected { get; init; }

    /// <summary>The last failure talking to the server (never a value), or null when the last attempt succeeded.</summary>
    public string? LastError { get; init; }

    /// <summary>When the client last applied a revision (or loaded the last-known-good file); null before the first.</summary>
    public DateTimeOffset? LastAppliedAt { get; init; }

    /// <summary>How many signed documents were rejected because their signature did not verify (none of them was applied).</summary>
    public long RejectedSignatures { get; init; }
}
