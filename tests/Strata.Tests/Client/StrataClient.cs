using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Strata.Client;

namespace Strata.Tests.Client;

/// <summary>Builds a real Strata client (the public <c>AddStrata</c>) against a real server, pinned to its served key.</summary>
internal static class StrataClient
{
    public static async Task<string> SigningKeyAsync(Uri server)
    {
        using var http = new HttpClient { BaseAddress = server };
        var document = await http.GetFromJsonAsync<JsonElement>("api/v1/signing-key");
        return document.GetProperty("publicKey").GetString()!;
    }

    public static async Task<IConfigurationRoot> BuildAsync(Uri server, Action<StrataClientOptions>? configure = null, Uri? via = null,
        Action<IConfigurationBuilder>? before = null, Action<IConfigurationBuilder>? after = null)
    {
        var key = await SigningKeyAsync(server);
        var builder = new ConfigurationBuilder();
        before?.Invoke(builder);
        builder.AddStrata(o =>
        {
            o.Server = via ?? server;
            o.Namespaces = ["checkout", "features"];
            o.SigningKey = key;
            o.StartupTimeout = TimeSpan.FromSeconds(20);
            o.MaxReconnectDelay = TimeSpan.FromSeconds(2);
            o.Application = "client-tests";
            configure?.Invoke(o);
        });
        after?.Invoke(builder);
        // Load() waits for the server: off the test's thread, as a host's start-up would be.
        return await Task.Run(builder.Build);
    }
}
