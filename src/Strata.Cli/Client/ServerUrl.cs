namespace Strata.Cli.Client;

/// <summary>A server URL as messages show it: any <c>user:password@</c> is replaced by <c>***@</c>.</summary>
internal static class ServerUrl
{
    /// <summary>Redacts the userinfo of <paramref name="url"/>, parsed or not (a URL that is not one can still carry a password).</summary>
    public static string Redact(string url)
    {
        // The last '@' ends any userinfo, whatever a password holds ('/', '?', '#' included); redacting a path's '@' too
        // costs only some of the message.
        var start = url.IndexOf("://", StringComparison.Ordinal) is var scheme and >= 0 ? scheme + 3 : 0;
        var at = url.LastIndexOf('@');
        return at < start ? url : string.Concat(url.AsSpan(0, start), "***", url.AsSpan(at));
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
