using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace Strata.Ui.Assets;

/// <summary>
/// The stylesheet and scripts, embedded in the assembly and served from memory at <c>/ui/assets/{name}</c>. Pages
/// link them with their content hash in the query, so a browser may keep them for a year and still never runs an
/// old script against a new page.
/// </summary>
internal static class UiAssets
{
    private const string Prefix = "/ui/assets/";
    private static readonly FrozenDictionary<string, Asset> All = Load();

    public static string Path(string name) => $"{Prefix}{name}?v={All[name].Version}";

    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet(Prefix + "{name}", (HttpContext http, string name) =>
        {
            if (!All.TryGetValue(name, out var asset)) return Results.NotFound();
            var headers = http.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.CacheControl = "public, max-age=31536000, immutable";
            headers.ETag = asset.ETag;
            if (http.Request.Headers.IfNoneMatch == asset.ETag) return Results.StatusCode(StatusCodes.Status304NotModified);
            return Results.Bytes(asset.Content, asset.ContentType);
        }).ExcludeFromDescription();

    private static FrozenDictionary<string, Asset> Load()
    {
        const string resourcePrefix = "Strata.Ui.Assets.";
        var assembly = typeof(UiAssets).Assembly;
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(resourcePrefix, StringComparison.Ordinal)) continue;
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var content = buffer.ToArray();
            var version = Convert.ToHexStringLower(SHA256.HashData(content))[..16];
            var name = resource[resourcePrefix.Length..];
            var type = name.EndsWith(".css", StringComparison.Ordinal) ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
            assets[name] = new Asset(content, type, version, new EntityTagHeaderValue($"\"{version}\"").ToString());
        }
        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private sealed record Asset(byte[] Content, string ContentType, string Version, string ETag);
}
