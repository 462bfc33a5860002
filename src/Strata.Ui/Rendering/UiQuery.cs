using System.Globalization;
using Microsoft.AspNetCore.Http;
using Strata.Http;

namespace Strata.Ui.Rendering;

/// <summary>Query-string values of the UI's pages, read strictly: a malformed one is the caller's 400, not ignored.</summary>
internal static class UiQuery
{
    /// <summary>A whole number 0 or more, or null when absent or empty; a problem when it is anything else.</summary>
    public static IResult? Number(IQueryCollection query, string name, out long? value)
    {
        value = null;
        var text = query[name].ToString();
        if (text.Length == 0) return null;
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            return Problems.BadRequest(name, "type", $"'{name}' must be a whole number.");
        value = parsed;
        return null;
    }

    /// <summary>A text filter, or null when absent or empty.</summary>
    public static string? Text(IQueryCollection query, string name) => query[name].ToString() is { Length: > 0 } text ? text : null;
}
