namespace Strata.Client;

/// <summary>Where the Strata values a client serves came from.</summary>
public enum StrataDataSource
{
    /// <summary>Nothing loaded yet (only with <see cref="StrataClientOptions.Optional"/>): no Strata values are served.</summary>
    None,

    /// <summary>From the server: a verified snapshot and the verified change events after it.</summary>
    Server,

    /// <summary>From the last-known-good file, because the server could not be reached at start-up: read-only and possibly stale.</summary>
    LastKnownGood,
}
