namespace Strata.WatchBench;

/// <summary>What differs between the servers measured: the watch request, its stream's format, and a write.</summary>
internal interface ITarget : IDisposable
{
    /// <summary>The raw HTTP/1.1 request that opens one watch of the benchmark key.</summary>
    ReadOnlyMemory<byte> WatchRequest { get; }

    ILineProtocol NewProtocol();

    /// <summary>
    /// Writes a new value to the benchmark key and answers the commit's revision, with the
    /// <see cref="System.Diagnostics.Stopwatch"/> timestamp taken just before the request was sent.
    /// </summary>
    Task<(long Sent, long Revision)> WriteAsync(int sequence, CancellationToken ct);
}
