namespace Strata.Client.LastKnownGood;

/// <summary>A last-known-good file that was refused; the message names the file and the reason, never a value.</summary>
internal sealed class LastKnownGoodException : Exception
{
    public LastKnownGoodException(string path, LastKnownGoodRefusal reason, string detail, Exception? inner = null)
        : base($"The last-known-good file {path} was refused as {Describe(reason)}: {detail}.", inner)
    {
        Path = path;
        Reason = reason;
    }

    public string Path { get; }

    public LastKnownGoodRefusal Reason { get; }

    private static string Describe(LastKnownGoodRefusal reason) => reason switch
    {
        LastKnownGoodRefusal.Missing => "missing",
        LastKnownGoodRefusal.Unreadable => "unreadable",
        LastKnownGoodRefusal.Empty => "empty",
        LastKnownGoodRefusal.Truncated => "truncated",
        LastKnownGoodRefusal.Tampered => "tampered",
        LastKnownGoodRefusal.WrongKey => "written under another key",
        LastKnownGoodRefusal.UnsupportedVersion => "in an unsupported format version",
        LastKnownGoodRefusal.Foreign => "foreign",
        _ => reason.ToString(),
    };
}
