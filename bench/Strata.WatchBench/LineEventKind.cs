namespace Strata.WatchBench;

internal enum LineEventKind
{
    /// <summary>Nothing the benchmark counts (a field of an event still being read, a later heartbeat, a comment).</summary>
    None,

    /// <summary>The stream is live: Strata's first heartbeat, etcd's <c>"created":true</c>.</summary>
    Ready,

    /// <summary>A change event for <see cref="LineEvent.Revision"/>.</summary>
    Change,

    /// <summary>The server reported an error on the stream (an etcd error object, a Strata reset or closing).</summary>
    Error,
}
