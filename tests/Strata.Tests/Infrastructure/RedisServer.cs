using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Strata.Tests.Infrastructure;

/// <summary>
/// A real <c>redis-server</c> of the test's own on 127.0.0.1 and a free port, without persistence, in a temp folder.
/// It can be killed and started again on the same port (an outage). Fails with a clear message when Debian's
/// <c>redis-server</c> is not installed. A test class takes it as a class fixture: started once, killed at the end.
/// </summary>
public sealed class RedisServer : IAsyncLifetime
{
    private const string Executable = "/usr/bin/redis-server";
    private readonly TempDirectory _dir = new();
    private readonly StringBuilder _output = new();
    private Process? _process;

    public RedisServer() => Port = FreePort();

    public int Port { get; }

    /// <summary>The StackExchange.Redis configuration string of this server.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    public Task InitializeAsync()
    {
        if (!File.Exists(Executable))
            throw new InvalidOperationException($"{Executable} is not installed: the Redis tests need Debian's redis-server (apt-get install -y redis-server).");
        return RestartAsync();
    }

    /// <summary>Starts the server (again) on its port and waits (at most 20 s) until it says it accepts connections.</summary>
    public async Task RestartAsync()
    {
        if (_process is { HasExited: false }) return;
        var info = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", _dir.Path })
            info.ArgumentList.Add(arg);
        _process?.Dispose();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _process = Process.Start(info)!;
        void Read(string? line)
        {
            lock (_output) _output.AppendLine(line);
            // redis-server says so once it listens.
            if (line?.Contains("Ready to accept connections", StringComparison.Ordinal) == true) ready.TrySetResult();
        }
        _process.OutputDataReceived += (_, e) => Read(e.Data);
        _process.ErrorDataReceived += (_, e) => Read(e.Data);
        _process.EnableRaisingEvents = true;
        var started = _process;
        _process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"redis-server exited at start ({started.ExitCode}): {Output}"));
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        try
        {
            await ready.Task.WaitAsync(TimeSpan.FromSeconds(20));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"redis-server did not get ready within 20 s: {Output}");
        }
    }

    /// <summary>SIGKILLs the server and waits until it has exited: its data is gone (no persistence).</summary>
    public async Task KillAsync()
    {
        if (_process is null || _process.HasExited) return;
        _process.Kill();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await _process.WaitForExitAsync(deadline.Token);
    }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        _dir.Dispose();
    }
}
