using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Strata.Tests.Infrastructure;

/// <summary>
/// A TCP relay on 127.0.0.1, port 0, in front of a target (a server under test), with the faults client tests need:
/// flip one byte of what the server sends (<see cref="FlipOnceAfter"/>), drop every open connection
/// (<see cref="DropAll"/>), freeze them as a dead proxy does (<see cref="FreezeAll"/>), and refuse or redirect new ones
/// (<see cref="Target"/>: a server that is down, or restarted on another port). Each connection is relayed with one
/// fixed buffer per direction; a half-close is passed on.
/// </summary>
public sealed class TcpRelay : IAsyncDisposable
{
    private const int BufferBytes = 16 * 1024;
    private static readonly TimeSpan DisposeBudget = TimeSpan.FromSeconds(10);

    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Connection, byte> _open = new();
    private readonly ConcurrentBag<Task> _relaying = [];
    private readonly Lock _gate = new();
    private readonly List<(int Count, TaskCompletionSource Reached)> _acceptWaiters = [];
    private readonly Task _accepting;
    private IPEndPoint? _target;
    private ByteFlip? _flip;
    private TaskCompletionSource? _withheld;
    private int _accepted;
    private int _disposed;

    private TcpRelay(IPEndPoint? target)
    {
        _target = target;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Endpoint = (IPEndPoint)_listener.LocalEndpoint;
        _accepting = AcceptAsync();
    }

    /// <summary>A relay to <paramref name="target"/>'s host and port (an IP address or <c>localhost</c>); null for none yet.</summary>
    public static TcpRelay Start(Uri? target) => new(EndPointOf(target));

    public static TcpRelay Start(IPEndPoint target) => new(target);

    public IPEndPoint Endpoint { get; }

    /// <summary>The relay's own base address for an HTTP client: <c>http://127.0.0.1:port/</c>.</summary>
    public Uri Address => new($"http://127.0.0.1:{Endpoint.Port}/");

    /// <summary>
    /// Where new connections go. Null refuses them: each is accepted and closed at once, as a server that is down
    /// answers. Changing it leaves open connections where they are.
    /// </summary>
    public Uri? Target
    {
        get => Volatile.Read(ref _target) is { } target ? new Uri($"http://{target}/") : null;
        set => Volatile.Write(ref _target, EndPointOf(value));
    }

    /// <summary>Connections accepted since the start, open or not, refused ones included.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    public int OpenConnections => _open.Count;

    /// <summary>
    /// Arms a one-shot fault: in the server-to-client direction of whichever connection first gets there, XOR the
    /// <paramref name="offset"/>th byte after the next <paramref name="marker"/> (seen after this call) with
    /// <paramref name="mask"/>. Replaces a fault armed before that has not fired. The task completes once the flipped
    /// byte has been sent to the client.
    /// </summary>
    public Task FlipOnceAfter(string marker, int offset, byte mask = 0x01)
    {
        var flip = new ByteFlip(marker, offset, mask);
        Volatile.Write(ref _flip, flip);
        return flip.Forwarded;
    }

    /// <summary>Closes every open connection on both sides at once, as a network failure would; returns how many.</summary>
    public int DropAll()
    {
        var dropped = 0;
        foreach (var connection in _open.Keys)
        {
            if (_open.TryRemove(connection, out _))
            {
                connection.Close();
                dropped++;
            }
        }
        return dropped;
    }

    /// <summary>
    /// Stops forwarding on every open connection, both ways, and leaves them open: each end sees a silent peer, as
    /// behind a dead proxy, until <see cref="DropAll"/>. New connections are relayed as usual. The task completes once
    /// a frozen connection has received bytes and kept them back.
    /// </summary>
    public Task FreezeAll()
    {
        var withheld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _withheld, withheld);
        foreach (var connection in _open.Keys) connection.Freeze();
        return withheld.Task;
    }

    /// <summary>Completes when <paramref name="count"/> connections in all have been accepted (a client's reconnect, say).</summary>
    public Task WaitForAcceptedAsync(int count)
    {
        lock (_gate)
        {
            if (_accepted >= count) return Task.CompletedTask;
            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _acceptWaiters.Add((count, reached));
            return reached.Task;
        }
    }

    private static IPEndPoint? EndPointOf(Uri? target) => target is null ? null
        : new IPEndPoint(target.IsLoopback && !IPAddress.TryParse(target.Host, out _) ? IPAddress.Loopback : IPAddress.Parse(target.Host), target.Port);

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            if (Volatile.Read(ref _target) is { } target)
            {
                var connection = new Connection(this, client, target);
                _open.TryAdd(connection, 0);
                _relaying.Add(connection.RunAsync());
            }
            else
            {
                client.Dispose();
            }
            Accept();
        }
    }

    private void Accept()
    {
        lock (_gate)
        {
            _accepted++;
            foreach (var waiter in _acceptWaiters.Where(w => w.Count <= _accepted).ToList())
            {
                _acceptWaiters.Remove(waiter);
                waiter.Reached.TrySetResult();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _stopping.CancelAsync();
        _listener.Stop();
        await _accepting;
        DropAll();
        await Task.WhenAll(_relaying).WaitAsync(DisposeBudget);
        lock (_gate)
        {
            foreach (var waiter in _acceptWaiters) waiter.Reached.TrySetCanceled();
            _acceptWaiters.Clear();
        }
        _stopping.Dispose();
    }

    /// <summary>One client and its own connection to the target.</summary>
    private sealed class Connection(TcpRelay relay, Socket client, IPEndPoint target)
    {
        private readonly Socket _server = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private volatile bool _frozen;

        public async Task RunAsync()
        {
            try
            {
                await _server.ConnectAsync(target, relay._stopping.Token);
                await Task.WhenAll(PumpAsync(client, _server, inspect: false), PumpAsync(_server, client, inspect: true));
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The target is down or the connection was dropped: the client sees it closed, as it would without a relay.
            }
            finally
            {
                relay._open.TryRemove(this, out _);
                Close();
            }
        }

        public void Freeze() => _frozen = true;

        public void Close()
        {
            if (!_closed.TrySetResult()) return;
            foreach (var socket in new[] { client, _server })
            {
                try
                {
                    if (socket.Connected) socket.Shutdown(SocketShutdown.Both);
                }
                catch (SocketException)
                {
                    // Already reset by the peer: closing it is all that is left.
                }
                socket.Dispose();
            }
        }

        private async Task PumpAsync(Socket from, Socket to, bool inspect)
        {
            var buffer = new byte[BufferBytes];
            ByteFlip.Cursor? cursor = null;
            ByteFlip? flipped = null;
            try
            {
                while (true)
                {
                    var read = await from.ReceiveAsync(buffer, relay._stopping.Token);
                    if (_frozen)
                    {
                        // Kept back, like everything after it, until the connection is dropped.
                        if (read > 0) Volatile.Read(ref relay._withheld)?.TrySetResult();
                        await _closed.Task;
                        return;
                    }
                    if (read == 0) break;
                    if (inspect && Volatile.Read(ref relay._flip) is { IsClaimed: false } flip)
                    {
                        if (cursor?.Flip != flip) cursor = flip.Start();
                        if (cursor.Apply(buffer.AsSpan(0, read))) flipped = flip;
                    }
                    await to.SendAsync(buffer.AsMemory(0, read), relay._stopping.Token);
                    flipped?.Sent();
                    flipped = null;
                }
                to.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // One side is gone: close both so the other side sees it too.
                flipped?.Failed(e);
                Close();
            }
        }
    }
}
