using Microsoft.AspNetCore.Http;

namespace Strata.Access;

/// <summary>
/// Marks an endpoint as a page for people (the web UI): a refused request is sent to the sign-in page when nobody
/// is signed in, and gets <see cref="Forbidden"/> (a page saying what is missing) when the user lacks the permission,
/// instead of the API's problem documents.
/// </summary>
internal sealed class BrowserPage(Func<HttpContext, string, Task> forbidden)
{
    /// <summary>Writes the 403 page; the second argument says which permission (and namespace) was missing.</summary>
    public Func<HttpContext, string, Task> Forbidden { get; } = forbidden;
}
