using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Strata.Http;

/// <summary>
/// Reads a request body as JSON within the configured size and depth limits. Only JSON is taken as it was sent: a
/// body declared as another media type is 415; invalid UTF-8, lone surrogates and duplicate member names are 400,
/// never repaired or silently resolved.
/// </summary>
internal static class RequestJson
{
    /// <summary>The parsed body, or a problem result explaining why there is none.</summary>
    public static async Task<(JsonElement Body, IResult? Problem)> ReadAsync(HttpContext context, StrataOptions options, string accepted = "application/json",
        int extraDepth = 0)
    {
        var maxDepth = options.MaxJsonDepth + extraDepth;
        if (!IsJsonContentType(context.Request.ContentType))
            return (default, Problems.UnsupportedMediaType(context.Request.ContentType!, accepted));
        var limit = options.MaxRequestBodyBytes;
        if (context.Request.ContentLength > limit) return (default, Problems.TooLarge(limit));
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
            sizeFeature.MaxRequestBodySize = limit;

        // A pooled buffer, grown by doubling: bodies are read on every write, so they should not allocate.
        byte[]? buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(context.Request.ContentLength ?? 4096, limit) + 1);
        var length = 0;
        try
        {
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffer.AsMemory(length), context.RequestAborted).ConfigureAwait(false)) > 0)
            {
                length += read;
                if (length > limit) return (default, Problems.TooLarge(limit));
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(buffer.Length * 2L, limit + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
            }
            if (length == 0) return (default, Problems.BadRequest("body", "required", "The request body is empty; send a JSON document."));
            var (document, problem) = TryParse(buffer.AsMemory(0, length), maxDepth);
            if (document is null) return (default, problem);
            // The document reads the pooled buffer in place: both live until the response is done, instead of a copy.
            context.Response.RegisterForDispose(new ParsedBody(document, buffer));
            buffer = null;
            return (document.RootElement, null);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (default, Problems.TooLarge(limit));
        }
        finally
        {
            if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// True for a JSON media type (<c>application/json</c>, <c>application/*+json</c>) and for none at all: RFC 9110
    /// lets a recipient examine an unlabelled body, and JSON is the only thing it is examined as.
    /// </summary>
    public static bool IsJsonContentType(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType)) return true;
        // What nearly every client sends, checked without parsing (this runs on every write).
        if (contentType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || contentType.Equals("application/json; charset=utf-8", StringComparison.OrdinalIgnoreCase))
            return true;
        // A header sent twice arrives joined by commas (curl -H given twice): each must say JSON.
        foreach (var part in contentType.Split(','))
        {
            if (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(part, out var parsed)) return false;
            var media = parsed.MediaType.AsSpan();
            if (!media.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                && !(media.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && media.EndsWith("+json", StringComparison.OrdinalIgnoreCase)))
                return false;
            // The body is read as UTF-8, as RFC 8259 says JSON is: a body declared in another charset is not read as something it is not.
            if (!IsUtf8OrUnstated(parsed)) return false;
        }
        return true;
    }

    /// <summary>Whether a media type's charset, if it names one, is UTF-8 (quoted or not): the only one bodies are read in.</summary>
    public static bool IsUtf8OrUnstated(Microsoft.Net.Http.Headers.MediaTypeHeaderValue media)
    {
        var charset = Microsoft.Net.Http.Headers.HeaderUtilities.RemoveQuotes(media.Charset);
        return !charset.HasValue || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Parses JSON into an element of its own (not tied to <paramref name="utf8"/>), or a problem.</summary>
    public static (JsonElement Body, IResult? Problem) Parse(ReadOnlyMemory<byte> utf8, int maxDepth)
    {
        var (document, problem) = TryParse(utf8, maxDepth);
        if (document is null) return (default, problem);
        using (document) return (document.RootElement.Clone(), null);
    }

    private static (JsonDocument? Document, IResult? Problem) TryParse(ReadOnlyMemory<byte> utf8, int maxDepth)
    {
        // The parser would store invalid UTF-8 as U+FFFD: the value kept would not be the value sent.
        if (!Utf8.IsValid(utf8.Span))
            return (null, Problems.BadRequest("body", "json", "The body is not valid UTF-8."));
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, new JsonDocumentOptions { MaxDepth = maxDepth, AllowDuplicateProperties = false });
        }
        catch (JsonException e) when (e.Message.Contains("maximum configured depth", StringComparison.Ordinal))
        {
            return (null, Problems.BadRequest("body", "maxDepth", $"The JSON is nested deeper than the limit of {maxDepth} levels."));
        }
        catch (InvalidOperationException)
        {
            // Checking member names for duplicates decodes them, and a name with half a surrogate pair cannot be.
            return (null, LoneSurrogate());
        }
        catch (JsonException e) when (e.Message.StartsWith("Duplicate property", StringComparison.Ordinal))
        {
            return (null, Problems.BadRequest("body", "duplicate", $"The JSON has an object with a member named twice: '{Naming.Names.Truncate(e.Message.Split('\'')[1])}'."));
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" at line {line + 1}, position {e.BytePositionInLine + 1}" : "";
            return (null, Problems.BadRequest("body", "json", $"The body is not valid JSON{where}."));
        }
        if (HasLoneSurrogate(utf8.Span))
        {
            document.Dispose();
            return (null, LoneSurrogate());
        }
        return (document, null);
    }

    private static IResult LoneSurrogate() =>
        Problems.BadRequest("body", "json", "The JSON has a \\u escape of half a surrogate pair, which is not a character.");

    /// <summary>
    /// Whether valid JSON text escapes a surrogate without its other half (<c>"\ud800"</c>): such a string is no
    /// Unicode text, and nothing can write it again. In valid JSON a backslash only ever starts an escape.
    /// </summary>
    private static bool HasLoneSurrogate(ReadOnlySpan<byte> json)
    {
        var expectLow = false;
        for (var i = json.IndexOf((byte)'\\'); i >= 0 && i + 1 < json.Length;)
        {
            var isUnicode = json[i + 1] == (byte)'u';
            var unit = isUnicode ? Hex(json.Slice(i + 2, 4)) : -1;
            var isLow = unit is >= 0xDC00 and <= 0xDFFF;
            if (expectLow != isLow) return true;
            expectLow = unit is >= 0xD800 and <= 0xDBFF;
            var next = i + (isUnicode ? 6 : 2);
            // A high surrogate's partner must follow at once, as the very next escape.
            if (expectLow && (next >= json.Length || json[next] != (byte)'\\')) return true;
            var rest = json[next..].IndexOf((byte)'\\');
            i = rest < 0 ? -1 : next + rest;
        }
        return expectLow;
    }

    private static int Hex(ReadOnlySpan<byte> digits)
    {
        var value = 0;
        foreach (var d in digits) value = value * 16 + (char.IsAsciiDigit((char)d) ? d - '0' : (d | 0x20) - 'a' + 10);
        return value;
    }

    private sealed class ParsedBody(JsonDocument document, byte[] buffer) : IDisposable
    {
        public void Dispose()
        {
            document.Dispose();
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The named property of a JSON object body; a problem when the body is not an object or has unknown properties.</summary>
    public static IResult? CheckObject(JsonElement body, params string[] allowed)
    {
        if (body.ValueKind != JsonValueKind.Object)
            return Problems.BadRequest("body", "type", $"The body must be a JSON object with {string.Join(", ", allowed.Select(a => $"'{a}'"))}.");
        foreach (var property in body.EnumerateObject())
            if (!allowed.Contains(property.Name, StringComparer.Ordinal))
                return Problems.BadRequest(Naming.Names.Truncate(property.Name), "unknownField",
                    $"Unknown field '{Naming.Names.Truncate(property.Name)}'; expected {string.Join(", ", allowed)}.");
        return null;
    }

    /// <summary>True when the element is a JSON integer that fits in 64 bits (never throws on other kinds).</summary>
    public static bool TryInt64(JsonElement element, out long value)
    {
        value = 0;
        return element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out value);
    }

    public static string? OptionalString(JsonElement body, string name, out IResult? problem)
    {
        problem = null;
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind == JsonValueKind.String) return value.GetString();
        problem = Problems.BadRequest(name, "type", $"'{name}' must be a string.");
        return null;
    }
}
