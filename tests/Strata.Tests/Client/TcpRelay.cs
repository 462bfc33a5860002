using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Strata.Tests.Client;

/// <summary>
/// A TCP relay on 127.0.0.1:0 between a client and a server: passes bytes both ways, and on request flips one byte of
/// the first server-to-client occurrence of a marker, cuts every open connection, or freezes them (stops forwarding
/// without closing, as a dead proxy does). With no target it closes what it accepts (a server that is down).
/// </summary>
internal sealed class TcpRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<Connection> _open = [];
    private readonly Task _accepting;
    private byte[]? _marker;
    private int _corruptions;

    private sealed record Connection(TcpClient Client, TcpClient Server, CancellationTokenSource Frozen);

    public TcpRelay(Uri? target)
    {
        Target = target;
        _listener.Start();
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync();
    }

    public Uri Address { get; }

    /// <summary>Where new connections go; null to refuse them (closed at once).</summary>
    public Uri? Target { get; set; }

    public int Corruptions => Volatile.Read(ref _corruptions);

    public int Accepted { get; private set; }

    /// <summary>Flips the last byte of the next occurrence of <paramref name="marker"/> sent by the server (once).</summary>
    public void CorruptOnce(string marker) => Volatile.Write(ref _marker, Encoding.UTF8.GetBytes(marker));

    public void CutAll()
    {
        foreach (var c in Take()) Close(c);
    }

    /// <summary>Stops forwarding on the open connections, leaving them open: the client sees a silent stream.</summary>
    public void FreezeAll()
    {
        lock (_gate) foreach (var c in _open) c.Frozen.Cancel();
    }

    private List<Connection> Take()
    {
        lock (_gate)
        {
            var all = _open.ToList();
            _open.Clear();
            return all;
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            lock (_gate) Accepted++;
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        if (Target is not { } target)
        {
            client.Dispose();
            return;
        }
        var server = new TcpClient();
        try
        {
            await server.ConnectAsync(target.Host, target.Port, _stop.Token);
        }
        catch (Exception)
        {
            client.Dispose();
            server.Dispose();
            return;
        }
        var connection = new Connection(client, server, CancellationTokenSource.CreateLinkedTokenSource(_stop.Token));
        lock (_gate) _open.Add(connection);
        var up = PumpAsync(client.GetStream(), server.GetStream(), corrupt: false, connection.Frozen.Token);
        var down = PumpAsync(server.GetStream(), client.GetStream(), corrupt: true, connection.Frozen.Token);
        await Task.WhenAny(up, down);
        if (connection.Frozen.IsCancellationRequested && !_stop.IsCancellationRequested) return; // frozen: left open until cut
        lock (_gate) _open.Remove(connection);
        Close(connection);
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, bool corrupt, CancellationToken frozen)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var n = await from.ReadAsync(buffer, frozen);
                if (n == 0) return;
                if (corrupt && Volatile.Read(ref _marker) is { } marker)
                {
                    // An SSE event is written in one piece: on loopback the marker arrives whole in one read.
                    var at = buffer.AsSpan(0, n).IndexOf(marker);
                    if (at >= 0 && Interlocked.CompareExchange(ref _marker, null, marker) == marker)
                    {
                        buffer[at + marker.Length - 1] ^= 0x01;
                        Interlocked.Increment(ref _corruptions);
                    }
                }
                await to.WriteAsync(buffer.AsMemory(0, n), frozen);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    private static void Close(Connection c)
    {
        c.Frozen.Cancel();
        c.Client.Client.LingerState = new LingerOption(true, 0);
        c.Client.Dispose();
        c.Server.Dispose();
        c.Frozen.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _accepting;
        CutAll();
        _stop.Dispose();
    }
}
