using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Strata.Http;

/// <summary>
/// ETags: a key's is its per-key version at the target scope (<c>"3"</c>, <c>"0"</c> when unset); a snapshot's
/// (<c>GET /config</c>) is the global revision (<c>"r17"</c>), and a namespace read's adds its scope chain and explain
/// flag (<c>"r17-user:alice,global-x"</c>).
/// </summary>
internal static class Etag
{
    private static readonly string[] Small = Enumerable.Range(0, 1024).Select(i => $"\"{i}\"").ToArray();

    public static string Version(long version) => version < Small.Length ? Small[version] : $"\"{version}\"";

    public static string Revision(long revision) => $"\"r{revision}\"";

    /// <summary>
    /// The version an <c>If-Match</c> header demands: null when absent or <c>*</c>. A well-formed tag that is not a
    /// version (another resource's, a weak one) can never match, so it demands -1 and the write is refused with 412. A header that
    /// is not entity-tag syntax is the caller's mistake: false, with the 400 problem.
    /// </summary>
    public static bool TryExpectedVersion(HttpRequest request, out long? version, out IResult? problem)
    {
        version = null;
        problem = null;
        var header = request.Headers.IfMatch;
        if (header.Count == 0) return true;
        if (!EntityTagHeaderValue.TryParseStrictList(header, out var tags) || tags.Count == 0)
        {
            problem = Malformed("If-Match");
            return false;
        }
        if (tags.Count == 1 && IsAny(tags[0])) return true;
        if (tags.Count > 1)
        {
            problem = Problems.BadRequest("If-Match", "shape", "If-Match must hold one ETag (a key's version, e.g. \"3\") or *.");
            return false;
        }
        // If-Match compares strongly (RFC 9110 13.1.1): a weak tag never matches, and only the canonical spelling of a
        // version is that version ("05" is some other tag).
        var tag = tags[0].Tag.AsSpan()[1..^1];
        var canonical = !tags[0].IsWeak && tag.Length is > 0 and <= 18 && !tag.ContainsAnyExceptInRange('0', '9') && (tag.Length == 1 || tag[0] != '0');
        version = canonical ? long.Parse(tag, System.Globalization.CultureInfo.InvariantCulture) : -1;
        return true;
    }

    /// <summary>
    /// Whether <c>If-None-Match</c> matches <paramref name="etag"/> (weak comparison, as RFC 9110 says for it); a
    /// header that is not entity-tag syntax yields the 400 problem.
    /// </summary>
    public static bool NoneMatch(HttpRequest request, string etag, out IResult? problem)
    {
        problem = null;
        var header = request.Headers.IfNoneMatch;
        if (header.Count == 0) return false;
        if (!EntityTagHeaderValue.TryParseStrictList(header, out var tags) || tags.Count == 0)
        {
            problem = Malformed("If-None-Match");
            return false;
        }
        foreach (var tag in tags)
            if (IsAny(tag) || tag.Tag.Equals(etag, StringComparison.Ordinal)) return true;
        return false;
    }

    public static void SetRevision(HttpResponse response, long revision) =>
        response.Headers["Strata-Revision"] = revision.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static bool IsAny(EntityTagHeaderValue tag) => tag.Tag.Equals("*", StringComparison.Ordinal);

    private static IResult Malformed(string header) => Problems.BadRequest(header, "type",
        $"{header} must be * or a list of quoted ETags such as \"3\" (as the ETag header gives them).");
}
