namespace Strata.WatchBench;

/// <summary>What one line of a watch stream meant to the benchmark.</summary>
internal readonly record struct LineEvent(LineEventKind Kind, long Revision = 0)
{
    public static readonly LineEvent Nothing = new(LineEventKind.None);
    public static readonly LineEvent Ready = new(LineEventKind.Ready);
}
