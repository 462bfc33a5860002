namespace Strata.WatchBench;

/// <summary>Reads one watch stream's body, a line at a time (without the line end); one instance per stream.</summary>
internal interface ILineProtocol
{
    LineEvent OnLine(ReadOnlySpan<byte> line);
}
