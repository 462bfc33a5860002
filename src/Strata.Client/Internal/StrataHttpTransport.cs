using Microsoft.Extensions.Logging;
using Strata.Client.Contracts;

namespace Strata.Client.Internal;

/// <summary>The server's HTTP API: <c>GET /api/v1/snapshot</c>, the signed watch, and consumer reports.</summary>
internal sealed class StrataHttpTransport : IStrataTransport
{
    private readonly StrataClientOptions _options;
    private readonly StrataServerClient _server;

    internal StrataHttpTransport(StrataClientOptions options, SignatureVerifier verifier, ILogger log)
    {
        _options = options;
        _server = new StrataServerClient(options, verifier, ConsumerIdentity.From(options));
        Reporter = new ConsumerReporter(_server, log);
        Address = options.Server!.ToString();
        Description = $"the server at {options.Server}";
    }

    internal ConsumerReporter Reporter { get; }

    public string Address { get; }

    public string Description { get; }

    public Task<SnapshotDocument> FetchSnapshotAsync(CancellationToken cancellationToken) => _server.FetchSnapshotAsync(cancellationToken);

    public bool IsUnreachable(StrataServerException error) =>
        error.InnerException is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError };

    public Task RunAsync(StrataConfigurationProvider provider, CancellationToken stopping)
    {
        var watch = new StrataWatch(provider, _server, Reporter, _options);
        return Task.WhenAll(Task.Run(() => watch.RunAsync(stopping)), Task.Run(() => Reporter.RunAsync(stopping)));
    }

    public void Applied(long revision) => Reporter.Report(revision);

    public void Dispose() => _server.Dispose();
}
