namespace Strata.WatchBench;

/// <summary>
/// Strata's <c>GET /api/v1/watch</c> (docs/watch.md): server-sent events; a <c>change</c> event's <c>id:</c> is its
/// revision, and the first <c>heartbeat</c> says the stream is live.
/// </summary>
internal sealed class SseLines : ILineProtocol
{
    private enum Kind { Other, Change, Heartbeat, Failure }

    private Kind _kind;
    private long _id = -1;

    public LineEvent OnLine(ReadOnlySpan<byte> line)
    {
        if (line.IsEmpty) return Dispatch();
        if (line[0] == (byte)':') return LineEvent.Nothing;
        var colon = line.IndexOf((byte)':');
        var field = colon < 0 ? line : line[..colon];
        var value = colon < 0 ? [] : line[(colon + 1)..];
        if (!value.IsEmpty && value[0] == (byte)' ') value = value[1..];
        if (field.SequenceEqual("event"u8))
        {
            _kind = value.SequenceEqual("change"u8) ? Kind.Change
                : value.SequenceEqual("heartbeat"u8) ? Kind.Heartbeat
                : value.SequenceEqual("reset"u8) || value.SequenceEqual("closing"u8) ? Kind.Failure
                : Kind.Other;
        }
        else if (field.SequenceEqual("id"u8))
        {
            _id = Digits.Parse(value);
        }
        return LineEvent.Nothing;
    }

    private LineEvent Dispatch()
    {
        var result = _kind switch
        {
            Kind.Change when _id >= 0 => new LineEvent(LineEventKind.Change, _id),
            Kind.Change or Kind.Failure => new LineEvent(LineEventKind.Error),
            Kind.Heartbeat => LineEvent.Ready,
            _ => LineEvent.Nothing,
        };
        _kind = Kind.Other;
        _id = -1;
        return result;
    }
}
