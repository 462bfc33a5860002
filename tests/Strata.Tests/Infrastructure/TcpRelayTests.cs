using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Strata.Tests.Infrastructure;

public sealed class TcpRelayTests : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly TcpListener _target = new(IPAddress.Loopback, 0);
    private readonly TcpRelay _relay;
    private readonly List<IDisposable> _sockets = [];

    public TcpRelayTests()
    {
        _target.Start();
        _relay = TcpRelay.Start((IPEndPoint)_target.LocalEndpoint);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var socket in _sockets) socket.Dispose();
        await _relay.DisposeAsync();
        _target.Stop();
        _target.Dispose();
    }

    /// <summary>A client connected through the relay, and the target's side of that same connection.</summary>
    private async Task<(NetworkStream Client, NetworkStream Server)> ConnectAsync()
    {
        var client = new TcpClient();
        _sockets.Add(client);
        await client.ConnectAsync(_relay.Endpoint).WaitAsync(Timeout);
        var server = await _target.AcceptTcpClientAsync().WaitAsync(Timeout);
        _sockets.Add(server);
        return (client.GetStream(), server.GetStream());
    }

    private static async Task<byte[]> ReadToEndAsync(Stream stream)
    {
        using var all = new MemoryStream();
        await stream.CopyToAsync(all).WaitAsync(Timeout);
        return all.ToArray();
    }

    /// <summary>True once the stream ends or is reset; bounded by the timeout and by the bytes it will read.</summary>
    private static async Task<bool> SeesClosedAsync(Stream stream)
    {
        var buffer = new byte[4096];
        try
        {
            for (var reads = 0; reads < 1_000; reads++)
                if (await stream.ReadAsync(buffer).AsTask().WaitAsync(Timeout) == 0) return true;
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    [Fact]
    public async Task Bytes_pass_through_unchanged_in_both_directions()
    {
        var (client, server) = await ConnectAsync();
        var request = "GET / HTTP/1.1\r\n\r\n"u8.ToArray();
        var answer = new byte[200_000];
        new Random(7).NextBytes(answer);

        await client.WriteAsync(request);
        var received = new byte[request.Length];
        await server.ReadExactlyAsync(received).AsTask().WaitAsync(Timeout);
        await server.WriteAsync(answer);
        server.Socket.Shutdown(SocketShutdown.Send);

        Assert.Equal(request, received);
        Assert.Equal(answer, await ReadToEndAsync(client));
    }

    [Fact]
    public async Task A_flipped_byte_arrives_flipped_and_every_other_byte_unchanged()
    {
        var (client, server) = await ConnectAsync();
        var sent = Encoding.UTF8.GetBytes("retry: 1000\n\nid: 43\nevent: change\ndata: {\"revision\":43}\n\nid: 44\nevent: change\ndata: {\"revision\":44}\n\n");
        var flipped = _relay.FlipOnceAfter("event: change\ndata: ", offset: 13);

        await server.WriteAsync(sent);
        server.Socket.Shutdown(SocketShutdown.Send);
        var received = await ReadToEndAsync(client);
        await flipped.WaitAsync(Timeout);

        var expected = (byte[])sent.Clone();
        var position = Encoding.UTF8.GetString(sent).IndexOf("event: change\ndata: ", StringComparison.Ordinal) + "event: change\ndata: ".Length + 13;
        Assert.Equal((byte)'3', expected[position]);
        expected[position] = (byte)'2';
        Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(received));
    }

    [Fact]
    public async Task A_flip_touches_only_what_the_server_sends()
    {
        var (client, server) = await ConnectAsync();
        var flipped = _relay.FlipOnceAfter("event: change\n", offset: 0);
        var request = "event: change\nXYZ"u8.ToArray();

        await client.WriteAsync(request);
        var received = new byte[request.Length];
        await server.ReadExactlyAsync(received).AsTask().WaitAsync(Timeout);
        await server.WriteAsync("event: change\nA"u8.ToArray());
        server.Socket.Shutdown(SocketShutdown.Send);

        Assert.Equal(request, received);
        Assert.Equal("event: change\n@", Encoding.UTF8.GetString(await ReadToEndAsync(client)));
        Assert.True(flipped.IsCompletedSuccessfully);
    }

    [Fact]
    public void The_marker_is_found_wherever_the_reads_split_the_stream()
    {
        var stream = Encoding.UTF8.GetBytes("xx event: chang event: change\ndata: 0123456789 event: change\ndata: 0123456789");
        var position = Encoding.UTF8.GetString(stream).IndexOf("event: change\ndata: ", StringComparison.Ordinal) + 20 + 4;
        Assert.Equal((byte)'4', stream[position]);

        for (var first = 0; first <= stream.Length; first++)
        {
            for (var second = first; second <= stream.Length; second++)
            {
                var copy = (byte[])stream.Clone();
                var cursor = new ByteFlip("event: change\ndata: ", 4, 0x01).Start();
                var applied = cursor.Apply(copy.AsSpan(0, first)) | cursor.Apply(copy.AsSpan(first, second - first)) | cursor.Apply(copy.AsSpan(second));

                Assert.True(applied, $"split at {first} and {second}");
                Assert.Equal((byte)'5', copy[position]);
                copy[position] = stream[position];
                Assert.Equal(stream, copy);
            }
        }
    }

    [Theory]
    [InlineData("aab", "aaab!", 4)]
    [InlineData("abab", "abaabab!", 7)]
    [InlineData("\n\n", "\n\n!", 2)]
    public void A_marker_that_overlaps_itself_is_matched_where_it_ends(string marker, string text, int position)
    {
        var bytes = Encoding.UTF8.GetBytes(text);

        Assert.True(new ByteFlip(marker, 0, 0x01).Start().Apply(bytes));

        Assert.Equal((byte)('!' ^ 0x01), bytes[position]);
    }

    [Fact]
    public void A_flip_fires_once_across_streams()
    {
        var flip = new ByteFlip("event: change", 0, 0x01);
        var first = "event: change!"u8.ToArray();
        var second = "event: change!"u8.ToArray();

        Assert.True(flip.Start().Apply(first));
        Assert.False(flip.Start().Apply(second));

        Assert.Equal("event: change "u8.ToArray(), first);
        Assert.Equal("event: change!"u8.ToArray(), second);
    }

    [Fact]
    public async Task A_dropped_connection_is_seen_closed_by_both_ends()
    {
        var (client, server) = await ConnectAsync();
        await server.WriteAsync("hello"u8.ToArray());
        var greeting = new byte[5];
        await client.ReadExactlyAsync(greeting).AsTask().WaitAsync(Timeout);
        Assert.Equal(1, _relay.OpenConnections);

        Assert.Equal(1, _relay.DropAll());

        Assert.True(await SeesClosedAsync(client), "the client still reads");
        Assert.True(await SeesClosedAsync(server), "the server still reads");
        Assert.Equal(0, _relay.OpenConnections);
        Assert.Equal(0, _relay.DropAll());
    }

    [Fact]
    public async Task A_client_reconnects_through_the_relay_after_a_drop()
    {
        var (client, _) = await ConnectAsync();
        _relay.DropAll();
        Assert.True(await SeesClosedAsync(client));

        var reconnected = _relay.WaitForAcceptedAsync(2);
        Assert.False(reconnected.IsCompleted);
        var (again, server) = await ConnectAsync();
        await reconnected.WaitAsync(Timeout);
        await server.WriteAsync("back"u8.ToArray());
        server.Socket.Shutdown(SocketShutdown.Send);

        Assert.Equal("back", Encoding.UTF8.GetString(await ReadToEndAsync(again)));
        Assert.Equal(2, _relay.Accepted);
    }

    [Fact]
    public async Task A_client_of_a_relay_whose_target_is_down_sees_its_connection_closed()
    {
        var down = new TcpListener(IPAddress.Loopback, 0);
        down.Start();
        var port = ((IPEndPoint)down.LocalEndpoint).Port;
        down.Stop();
        await using var relay = TcpRelay.Start(new Uri($"http://127.0.0.1:{port}/"));
        using var client = new TcpClient();

        await client.ConnectAsync(relay.Endpoint).WaitAsync(Timeout);

        Assert.True(await SeesClosedAsync(client.GetStream()));
    }

    [Fact]
    public async Task A_relay_without_a_target_closes_what_it_accepts_and_relays_again_once_given_one()
    {
        var target = _relay.Target;
        _relay.Target = null;
        using (var refused = new TcpClient())
        {
            await refused.ConnectAsync(_relay.Endpoint).WaitAsync(Timeout);
            Assert.True(await SeesClosedAsync(refused.GetStream()));
        }

        _relay.Target = target;
        var (client, server) = await ConnectAsync();
        await server.WriteAsync("up"u8.ToArray());
        server.Socket.Shutdown(SocketShutdown.Send);

        Assert.Equal("up", Encoding.UTF8.GetString(await ReadToEndAsync(client)));
        Assert.Equal(2, _relay.Accepted);
    }

    [Fact]
    public async Task A_frozen_connection_forwards_nothing_and_stays_open_until_dropped()
    {
        var (client, server) = await ConnectAsync();
        var withheld = _relay.FreezeAll();

        await server.WriteAsync("event: heartbeat\n\n"u8.ToArray());
        await withheld.WaitAsync(Timeout);
        Assert.Equal(1, _relay.OpenConnections);
        var read = client.ReadAsync(new byte[64]).AsTask();
        Assert.False(read.IsCompleted);

        _relay.DropAll();

        // What the relay kept back never arrives: the client's read ends with the connection, empty.
        int received;
        try
        {
            received = await read.WaitAsync(Timeout);
        }
        catch (IOException)
        {
            received = 0;
        }
        Assert.Equal(0, received);
        Assert.True(await SeesClosedAsync(server));
    }

    [Fact]
    public async Task A_connection_opened_after_a_freeze_is_relayed()
    {
        var (frozen, _) = await ConnectAsync();
        _ = _relay.FreezeAll();

        var (client, server) = await ConnectAsync();
        await server.WriteAsync("live"u8.ToArray());
        server.Socket.Shutdown(SocketShutdown.Send);

        Assert.Equal("live", Encoding.UTF8.GetString(await ReadToEndAsync(client)));
        Assert.Equal(2, _relay.OpenConnections);
        Assert.False(frozen.ReadAsync(new byte[1]).AsTask().IsCompleted);
    }

    [Fact]
    public async Task Disposing_the_relay_closes_its_connections()
    {
        var (client, server) = await ConnectAsync();

        await _relay.DisposeAsync();

        Assert.True(await SeesClosedAsync(client));
        Assert.True(await SeesClosedAsync(server));
        await Assert.ThrowsAnyAsync<SocketException>(async () =>
        {
            using var late = new TcpClient();
            await late.ConnectAsync(_relay.Endpoint).WaitAsync(Timeout);
        });
    }

    [Fact]
    public async Task The_Strata_server_answers_through_the_relay()
    {
        await using var strata = await TestServer.StartAsync();
        await using var relay = TcpRelay.Start(strata.Address);
        using var http = new HttpClient { BaseAddress = relay.Address };

        var body = await http.GetFromJsonAsync<JsonElement>("api/v1/revision");

        Assert.Equal(await strata.RevisionAsync(), body.GetProperty("revision").GetInt64());
        Assert.Equal(1, relay.Accepted);
    }
}
