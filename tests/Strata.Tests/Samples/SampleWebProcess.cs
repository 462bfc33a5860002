using System.Diagnostics;
using System.Reflection;

namespace Strata.Tests.Samples;

/// <summary>samples/Strata.Sample.Web (built with the tests) run as its own process on 127.0.0.1, port 0.</summary>
internal sealed class SampleWebProcess : IAsyncDisposable
{
    private static readonly string Dll = typeof(SampleWebProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "SampleWebDll").Value!;

    private readonly Process _process;

    private SampleWebProcess(Process process, Uri address, ProcessOutput output)
    {
        _process = process;
        Address = address;
        Output = output;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
    }

    public Uri Address { get; }
    public ProcessOutput Output { get; }
    public HttpClient Http { get; }

    /// <summary>Starts the sample with <paramref name="environment"/> (its <c>Strata__*</c> settings) and waits, at most
    /// 60 s, for the line that says where it listens.</summary>
    public static async Task<SampleWebProcess> StartAsync(IDictionary<string, string> environment)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(Dll))!;
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            // The content root is the working directory: the build output, where appsettings.json is.
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Dll, "--urls", "http://127.0.0.1:0" }) info.ArgumentList.Add(arg);
        foreach (var (key, value) in environment) info.Environment[key] = value;

        var process = Process.Start(info)!;
        var output = new ProcessOutput();
        var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) => { if (e.Data is null) exited.TrySetResult(); else output.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Add(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        const string marker = "Now listening on: ";
        var listening = output.WaitForLineAsync(l => l.Contains(marker, StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        try
        {
            if (await Task.WhenAny(listening, exited.Task) != listening)
            {
                await process.WaitForExitAsync();
                throw new InvalidOperationException($"The sample exited ({process.ExitCode}) before listening:\n{output.Text}");
            }
            var line = output.Lines[await listening];
            return new SampleWebProcess(process, new Uri(line[(line.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..]), output);
        }
        catch
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
