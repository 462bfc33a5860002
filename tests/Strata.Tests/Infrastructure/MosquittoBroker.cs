using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Strata.Tests.Infrastructure;

/// <summary>
/// A real mosquitto on 127.0.0.1 and a free port, configured in a temp folder (persistence off, so a restart forgets
/// retained messages as a replaced broker would). Killed on dispose. Fails with what to install when mosquitto is missing.
/// </summary>
public sealed class MosquittoBroker : IAsyncDisposable
{
    private const string Executable = "mosquitto";
    private readonly TempDirectory _dir;
    private readonly string _config;
    private readonly StringBuilder _log = new();
    private Process? _process;

    private MosquittoBroker(TempDirectory dir, int port, string config)
    {
        _dir = dir;
        Port = port;
        _config = config;
    }

    public int Port { get; }

    public string Server => $"127.0.0.1:{Port}";

    /// <summary>What the broker logged so far (for failure messages).</summary>
    public string Log
    {
        get { lock (_log) return _log.ToString(); }
    }

    /// <summary>Starts a broker; with <paramref name="username"/>, it refuses anyone without that user and password.</summary>
    public static async Task<MosquittoBroker> StartAsync(string? username = null, string? password = null)
    {
        var dir = new TempDirectory();
        var port = FreePort();
        var lines = new List<string> { $"listener {port} 127.0.0.1", "persistence false", "log_dest stderr", "log_type all" };
        // Started as root (CI), mosquitto would switch to a 'mosquitto' user that cannot read the temp folder.
        if (Environment.UserName == "root") lines.Add("user root");
        if (username is null) lines.Add("allow_anonymous true");
        else
        {
            var passwords = dir.File("passwords");
            await RunAsync("mosquitto_passwd", "-c", "-b", passwords, username, password ?? "");
            lines.Add("allow_anonymous false");
            lines.Add($"password_file {passwords}");
        }
        var broker = new MosquittoBroker(dir, port, dir.Write("mosquitto.conf", string.Join('\n', lines) + "\n"));
        try
        {
            await broker.RunBrokerAsync();
        }
        catch
        {
            await broker.DisposeAsync();
            throw;
        }
        return broker;
    }

    /// <summary>Kills the broker at once (no clean shutdown), as a crash would.</summary>
    public async Task KillAsync()
    {
        if (_process is not { } process) return;
        _process = null;
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        process.Dispose();
    }

    /// <summary>Starts the broker again on the same port, with the same configuration.</summary>
    public Task RestartAsync() => RunBrokerAsync();

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _dir.Dispose();
    }

    private async Task RunBrokerAsync()
    {
        if (_process is not null) throw new InvalidOperationException("The broker is already running.");
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var info = new ProcessStartInfo(Executable) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(_config);
        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"mosquitto is not installed ({e.Message}): apt-get install -y mosquitto", e);
        }
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                running.TrySetException(new InvalidOperationException($"mosquitto exited before it listened:\n{Log}"));
                return;
            }
            lock (_log) _log.AppendLine(e.Data);
            if (e.Data.Contains(" running", StringComparison.Ordinal)) running.TrySetResult();
        };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        _process = process;
        try
        {
            await running.Task.WaitAsync(TimeSpan.FromSeconds(20));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"mosquitto did not start listening on port {Port} in 20 s:\n{Log}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{file} is not installed ({e.Message}): apt-get install -y mosquitto", e);
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
            if (process.ExitCode != 0) throw new InvalidOperationException($"{file} failed: {await stderr}");
        }
    }
}
