using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using Strata.Tests.Infrastructure;
using Xunit;

namespace Strata.Tests.Ui;

/// <summary>The UI's frame: pages rendered on the server with a strict policy, assets from the assembly.</summary>
public sealed class UiShellTests
{
    [Fact]
    public async Task Start_page_lists_the_readable_namespaces_with_their_counts_under_a_strict_policy()
    {
        await using var server = await TestServer.StartAsync();
        (await server.Http.PutAsJsonAsync("/api/v1/settings/checkout/max_items", new { value = 5 })).EnsureSuccessStatusCode();
        using var page = await server.CreateUncheckedClient().GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var csp = string.Join(";", page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        var html = await page.Content.ReadAsStringAsync();
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("href=\"/ns/checkout\"", html);
        Assert.Contains("1 stored", html);
        Assert.DoesNotContain("<script>", html);
        Assert.DoesNotContain("style=", html);
    }

    [Fact]
    public async Task Assets_are_served_from_the_assembly_with_a_content_version_and_revalidate_to_304()
    {
        await using var server = await TestServer.StartAsync();
        var client = server.CreateUncheckedClient();
        var html = await client.GetStringAsync("/");
        var link = System.Text.RegularExpressions.Regex.Match(html, "href=\"(/ui/assets/strata\\.css\\?v=[0-9a-f]{16})\"").Groups[1].Value;
        Assert.NotEmpty(link);

        using var css = await client.GetAsync(link);
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
        Assert.Contains("prefers-color-scheme: dark", await css.Content.ReadAsStringAsync());
        Assert.Contains("immutable", css.Headers.CacheControl?.ToString());

        using var again = new HttpRequestMessage(HttpMethod.Get, link);
        again.Headers.IfNoneMatch.Add(css.Headers.ETag!);
        using var revalidated = await client.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);

        using var missing = await client.GetAsync("/ui/assets/nothing.js");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public void Strata_Ui_exports_MapStrataUi_and_Razor_components_only()
    {
        var exported = typeof(StrataUiEndpointRouteBuilderExtensions).Assembly.GetExportedTypes();
        // Razor also emits a public _Imports class for _Imports.razor; it has nothing but its constructor.
        var notComponents = exported.Where(t => !typeof(Microsoft.AspNetCore.Components.IComponent).IsAssignableFrom(t) && t.Name != "_Imports").ToList();
        Assert.Equal([typeof(StrataUiEndpointRouteBuilderExtensions)], notComponents);
        // A component's public parameters are public types by construction; no component exposes anything else public.
        foreach (var component in exported.Except(notComponents))
            foreach (var property in component.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
                Assert.True(property.IsDefined(typeof(Microsoft.AspNetCore.Components.ParameterAttribute)),
                    $"{component.Name}.{property.Name} is public without being a component parameter.");
    }

    [Theory]
    [InlineData("/ns/no_such_namespace", 404)]
    [InlineData("/ns/bad%20name", 400)]
    [InlineData("/ns/checkout/max_items/rollback?version=999", 404)]
    [InlineData("/ns/checkout/max_items/history?from=1&to=999", 400)]
    public async Task Bad_addresses_get_a_page_with_the_reason_never_json_nor_a_server_error(string path, int status)
    {
        await using var server = await TestServer.StartAsync();
        (await server.Http.PutAsJsonAsync("/api/v1/settings/checkout/max_items", new { value = 5 })).EnsureSuccessStatusCode();
        using var page = await server.CreateUncheckedClient().GetAsync(path);

        Assert.Equal(status, (int)page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("role=\"alert\"", await page.Content.ReadAsStringAsync());
    }
}
