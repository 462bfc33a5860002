using Strata.Tests.Infrastructure;

namespace Strata.Tests.Api;

/// <summary>One server and its served document for all of <see cref="OpenApiDocumentTests"/>: most of them only read the document.</summary>
public sealed class OpenApiServerFixture : IAsyncLifetime
{
    public TestServer Server { get; private set; } = null!;

    public OpenApiContract Contract { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await TestServer.StartAsync();
        Contract = await Server.Contract.Value;
    }

    public Task DisposeAsync() => Server.DisposeAsync().AsTask();
}
