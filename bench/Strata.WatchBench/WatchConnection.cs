using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Strata.WatchBench;

/// <summary>
/// One watcher: a raw socket that sends one HTTP/1.1 request and reads its streamed answer (chunked or not) into
/// lines for an <see cref="ILineProtocol"/>. Buffers are per connection and reused, so reading allocates nothing per
/// byte or per event; each change is recorded as (revision, arrival time), the time taken when the receive that
/// completed it returned.
/// </summary>
internal sealed class WatchConnection(ILineProtocol protocol, Delivery delivery, int capacity)
{
    private enum Phase { Headers, Chunked, Plain, Ended }
    private enum Chunk { Size, Data, Crlf }

    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    private readonly byte[] _receive = new byte[4096];
    private byte[] _lines = new byte[4096];
    private int _lineStart, _lineEnd, _scan;
    private Phase _phase = Phase.Headers;
    private Chunk _chunk = Chunk.Size;
    private long _chunkSize, _remaining;
    private bool _sizeDone, _ready;

    public long[] Revisions { get; } = new long[capacity];
    public long[] Arrivals { get; } = new long[capacity];
    public int Count { get; private set; }
    public int Overflow { get; private set; }
    public string? Failure { get; private set; }

    public async Task ConnectAsync(IPEndPoint server, ReadOnlyMemory<byte> request, CancellationToken ct)
    {
        await _socket.ConnectAsync(server, ct).ConfigureAwait(false);
        await _socket.SendAsync(request, SocketFlags.None, ct).ConfigureAwait(false);
    }

    public async Task ReadAsync(CancellationToken ct)
    {
        try
        {
            while (_phase != Phase.Ended)
            {
                var n = await _socket.ReceiveAsync(_receive, SocketFlags.None, ct).ConfigureAwait(false);
                var now = Stopwatch.GetTimestamp();
                if (n == 0)
                {
                    Fail("the server closed the stream");
                    break;
                }
                Feed(_receive.AsSpan(0, n), now);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (SocketException e)
        {
            Fail($"socket: {e.SocketErrorCode}");
        }
    }

    public void Close() => _socket.Dispose();

    private void Fail(string why)
    {
        Failure ??= why;
        _phase = Phase.Ended;
        delivery.Failed();
    }

    private void Feed(ReadOnlySpan<byte> data, long now)
    {
        while (!data.IsEmpty)
        {
            switch (_phase)
            {
                case Phase.Headers:
                    data = Headers(data);
                    break;
                case Phase.Plain:
                    Payload(data, now);
                    return;
                case Phase.Chunked:
                    data = Chunked(data, now);
                    break;
                default:
                    return;
            }
        }
    }

    private ReadOnlySpan<byte> Headers(ReadOnlySpan<byte> data)
    {
        Append(data);
        var head = _lines.AsSpan(0, _lineEnd);
        var end = head.IndexOf("\r\n\r\n"u8);
        if (end < 0) return [];
        var headers = head[..end];
        var firstLine = headers.IndexOf("\r\n"u8) is var i and >= 0 ? headers[..i] : headers;
        // "HTTP/1.1 200 OK"
        if (firstLine.Length < 12 || !firstLine[9..12].SequenceEqual("200"u8))
        {
            Fail($"answered '{Encoding.ASCII.GetString(firstLine)}'");
            return [];
        }
        _phase = ContainsIgnoreCase(headers, "transfer-encoding: chunked"u8) ? Phase.Chunked : Phase.Plain;
        var rest = _lineEnd - (end + 4);
        // The body's first bytes were appended with the headers: move them to the front and treat them as fresh input.
        var leftover = data[^Math.Min(rest, data.Length)..];
        _lineStart = _lineEnd = _scan = 0;
        return leftover;
    }

    private ReadOnlySpan<byte> Chunked(ReadOnlySpan<byte> data, long now)
    {
        switch (_chunk)
        {
            case Chunk.Size:
                var nl = data.IndexOf((byte)'\n');
                foreach (var b in nl < 0 ? data : data[..nl])
                {
                    if (_sizeDone) break;
                    var digit = b switch
                    {
                        >= (byte)'0' and <= (byte)'9' => b - '0',
                        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
                        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
                        _ => -1,
                    };
                    if (digit < 0) _sizeDone = true;
                    else _chunkSize = _chunkSize * 16 + digit;
                }
                if (nl < 0) return [];
                if (_chunkSize == 0)
                {
                    Fail("the server ended the stream");
                    return [];
                }
                _remaining = _chunkSize;
                _chunkSize = 0;
                _sizeDone = false;
                _chunk = Chunk.Data;
                return data[(nl + 1)..];
            case Chunk.Data:
                var take = (int)Math.Min(_remaining, data.Length);
                Payload(data[..take], now);
                _remaining -= take;
                if (_remaining == 0) _chunk = Chunk.Crlf;
                return data[take..];
            default:
                var lf = data.IndexOf((byte)'\n');
                if (lf < 0) return [];
                _chunk = Chunk.Size;
                return data[(lf + 1)..];
        }
    }

    private void Payload(ReadOnlySpan<byte> data, long now)
    {
        Append(data);
        var start = _lineStart;
        while (true)
        {
            var nl = _lines.AsSpan(_scan, _lineEnd - _scan).IndexOf((byte)'\n');
            if (nl < 0)
            {
                _scan = _lineEnd;
                break;
            }
            var end = _scan + nl;
            var line = _lines.AsSpan(start, end - start);
            if (!line.IsEmpty && line[^1] == (byte)'\r') line = line[..^1];
            On(protocol.OnLine(line), now);
            start = _scan = end + 1;
        }
        _lineStart = start;
        if (_lineStart == _lineEnd) _lineStart = _lineEnd = _scan = 0;
    }

    private void On(LineEvent e, long now)
    {
        switch (e.Kind)
        {
            case LineEventKind.Ready when !_ready:
                _ready = true;
                delivery.Ready();
                break;
            case LineEventKind.Change:
                if (Count < Revisions.Length)
                {
                    Revisions[Count] = e.Revision;
                    Arrivals[Count] = now;
                    Count++;
                }
                else Overflow++;
                delivery.Delivered();
                break;
            case LineEventKind.Error:
                Fail("the server sent an error, reset or closing event");
                break;
        }
    }

    private void Append(ReadOnlySpan<byte> data)
    {
        if (_lineEnd + data.Length > _lines.Length)
        {
            var kept = _lineEnd - _lineStart;
            var target = kept + data.Length > _lines.Length ? new byte[Math.Max(_lines.Length * 2, kept + data.Length)] : _lines;
            _lines.AsSpan(_lineStart, kept).CopyTo(target);
            _scan -= _lineStart;
            _lineStart = 0;
            _lineEnd = kept;
            _lines = target;
        }
        data.CopyTo(_lines.AsSpan(_lineEnd));
        _lineEnd += data.Length;
    }

    private static bool ContainsIgnoreCase(ReadOnlySpan<byte> text, ReadOnlySpan<byte> needle)
    {
        for (var i = 0; i + needle.Length <= text.Length; i++)
            if (Ascii.EqualsIgnoreCase(text.Slice(i, needle.Length), needle)) return true;
        return false;
    }
}
