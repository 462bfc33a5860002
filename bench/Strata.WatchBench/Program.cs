using Strata.WatchBench;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"{e.Message}\n{BenchOptions.Usage}");
    return 64;
}

using var target = options.Target == "strata"
    ? (ITarget)new StrataTarget(options.Url, options.WriteUrl ?? options.Url, File.ReadAllText(options.TokenFile!).Trim())
    : new EtcdTarget(options.Url);
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
try
{
    return await new BenchRun(options, target).RunAsync(cancel.Token);
}
catch (Exception e) when (e is HttpRequestException or System.Net.Sockets.SocketException or InvalidOperationException)
{
    // The server refused or failed a request: say which, without a stack trace.
    Console.Error.WriteLine($"strata-watchbench: {e.Message}");
    return 3;
}
