using System.Diagnostics;
using System.Text;

namespace Strata.Tests.Infrastructure;

/// <summary>Runs the real <c>strata</c> executable (built next to the tests) as a child process.</summary>
public static class StrataProcess
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "strata.dll");

    public static ProcessStartInfo StartInfo(IEnumerable<string> args, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Dll);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.Environment.Remove("STRATA_SERVER");
        info.Environment.Remove("STRATA_TOKEN");
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) info.Environment[k] = v;
        return info;
    }

    /// <summary>Runs a command to completion (at most 60 s) and returns its exit code and output.</summary>
    public static Task<(int ExitCode, string Out, string Err)> RunAsync(params string[] args) => RunToEndAsync(StartInfo(args), args);

    /// <summary>Runs a command to completion (at most 60 s) with <paramref name="input"/> on its standard input.</summary>
    public static Task<(int ExitCode, string Out, string Err)> RunWithInputAsync(string input, params string[] args) => RunToEndAsync(StartInfo(args), args, input);

    /// <summary>Runs a prepared process to completion (at most 60 s), its input closed (after <paramref name="input"/>), and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Out, string Err)> RunToEndAsync(ProcessStartInfo info, string[] args, string? input = null)
    {
        using var process = Process.Start(info)!;
        if (input is not null) await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"strata {string.Join(' ', args)} did not finish in 60 s.");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts <c>strata serve</c> and waits (at most 60 s) for the line that says where it listens.</summary>
    public static Task<(Process Process, Uri Address, StringBuilder Output)> ServeAsync(string dataDirectory, params string[] extra) =>
        ServeAsync(dataDirectory, null, extra);

    public static Task<(Process Process, Uri Address, StringBuilder Output)> ServeAsync(
        string dataDirectory, IDictionary<string, string>? environment, params string[] extra) =>
        ServeAsync(StartInfo(["serve", "--urls", "http://127.0.0.1:0", "--data", dataDirectory, .. extra], environment));

    /// <summary>Starts a prepared <c>strata serve</c> and waits (at most 60 s) for the line that says where it listens.</summary>
    public static async Task<(Process Process, Uri Address, StringBuilder Output)> ServeAsync(ProcessStartInfo info)
    {
        var process = Process.Start(info)!;
        var output = new StringBuilder();
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) { listening.TrySetException(new InvalidOperationException($"strata serve exited:\n{output}")); return; }
            lock (output) output.AppendLine(e.Data);
            const string marker = "strata: listening on ";
            if (e.Data.StartsWith(marker, StringComparison.Ordinal)) listening.TrySetResult(new Uri(e.Data[marker.Length..]));
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var address = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return (process, address, output);
    }
}
