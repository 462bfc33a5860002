namespace Strata.Cli.Client;

/// <summary>A server URL as messages show it: any <c>user:password@</c> is replaced by <c>***@</c>.</summary>
internal static class ServerUrl
{
    /// <summary>Redacts the userinfo of <paramref name="url"/>, parsed or not (a URL that is not one can still carry a password).</summary>
    public static string Redact(string url)
    {
        var start = url.IndexOf("://", StringComparison.Ordinal) is var scheme and >= 0 ? scheme + 3 : 0;
        var end = url.IndexOfAny(['/', '?', '#'], start) is var path and >= 0 ? path : url.Length;
        var at = url.AsSpan(start, end - start).LastIndexOf('@');
        return at < 0 ? url : string.Concat(url.AsSpan(0, start), "***", url.AsSpan(start + at));
    }

    /// <summary>Removes <paramref name="server"/>'s userinfo from a message of the HTTP stack, in case it quotes it.</summary>
    public static string Scrub(string message, Uri server)
    {
        if (server.UserInfo.Length == 0) return message;
        foreach (var secret in new[] { server.UserInfo, Uri.UnescapeDataString(server.UserInfo) })
            message = message.Replace(secret, "***", StringComparison.Ordinal);
        return message;
    }
}
