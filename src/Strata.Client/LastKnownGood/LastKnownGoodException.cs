namespace Strata.Client.LastKnownGood;

/// <summary>A last-known-good file that was refused; the message names the file and the reason, never a value.</summary>
internal sealed class LastKnownGoodException : Exception
{
    public LastKnownGoodException(string path, LastKnownGoodRefusal reason, string detail, Exception? inner = null)
        : base($"The last-known-good file {path} was refused: {detail}.", inner)
    {
        Path = path;
        Reason = reason;
    }

    public string Path { get; }

    public LastKnownGoodRefusal Reason { get; }
}
