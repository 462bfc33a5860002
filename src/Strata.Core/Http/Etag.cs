using Microsoft.AspNetCore.Http;

namespace Strata.Http;

/// <summary>
/// ETags: a key's is its per-key version at the target scope (<c>"3"</c>, <c>"0"</c> when unset); a namespace's or a
/// snapshot's is the global revision (<c>"r17"</c>).
/// </summary>
internal static class Etag
{
    private static readonly string[] Small = Enumerable.Range(0, 1024).Select(i => $"\"{i}\"").ToArray();

    public static string Version(long version) => version < Small.Length ? Small[version] : $"\"{version}\"";

    public static string Revision(long revision) => $"\"r{revision}\"";

    /// <summary>
    /// The version an <c>If-Match</c> header demands: null when absent or <c>*</c>. A malformed header yields a
    /// version that can never match (-1), so the write is refused rather than applied unconditionally.
    /// </summary>
    public static long? ExpectedVersion(HttpRequest request)
    {
        var header = request.Headers.IfMatch.ToString().Trim();
        if (header.Length == 0 || header == "*") return null;
        if (header.StartsWith("W/", StringComparison.Ordinal)) header = header[2..];
        return long.TryParse(header.Trim('"'), System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : -1;
    }

    public static bool NoneMatch(HttpRequest request, string etag) =>
        request.Headers.IfNoneMatch.Any(v => v is not null && (v == "*" || v.Split(',').Any(p => p.Trim() == etag)));

    public static void SetRevision(HttpResponse response, long revision) =>
        response.Headers["Strata-Revision"] = revision.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
