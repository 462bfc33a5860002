using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Strata.Http;
using Strata.Yaml;

namespace Strata.Transfer;

/// <summary>Reads a YAML request body as JSON, within the body size limit and the <see cref="YamlLimits"/> of an import.</summary>
internal static class YamlBody
{
    private static readonly string[] MediaTypes = ["application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"];

    /// <summary>Whether a body is declared as YAML (in UTF-8, the only charset it is read in).</summary>
    public static bool IsYamlContentType(string? contentType) =>
        Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var parsed)
        && MediaTypes.Any(m => parsed.MediaType.Equals(m, StringComparison.OrdinalIgnoreCase))
        && RequestJson.IsUtf8OrUnstated(parsed);

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The body as JSON, or a problem result (400 naming the limit or the error and its position, or 413).</summary>
    public static async Task<(JsonElement Body, IResult? Problem)> ReadAsync(HttpContext context, StrataOptions options)
    {
        var limit = options.MaxRequestBodyBytes;
        if (context.Request.ContentLength > limit) return (default, Problems.TooLarge(limit));
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
            sizeFeature.MaxRequestBodySize = limit;

        string text;
        try
        {
            // No byte-order-mark sniffing: a UTF-16 body is not UTF-8, whatever its first bytes say.
            using var reader = new StreamReader(context.Request.Body, StrictUtf8, detectEncodingFromByteOrderMarks: false);
            var chars = new char[limit + 1];
            var read = await reader.ReadBlockAsync(chars, context.RequestAborted).ConfigureAwait(false);
            if (read > limit) return (default, Problems.TooLarge(limit));
            text = new string(chars, 0, read);
        }
        catch (DecoderFallbackException)
        {
            return (default, Problems.BadRequest("body", "yaml", "The body is not valid UTF-8."));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (default, Problems.TooLarge(limit));
        }

        byte[] json;
        try
        {
            json = YamlJson.ToJsonBytes(text, YamlLimits.ForImport(options));
        }
        catch (YamlLimitException e)
        {
            return (default, Problems.BadRequest("body", e.Rule, e.Message));
        }
        return RequestJson.Parse(json, options.MaxJsonDepth + YamlLimits.ImportEnvelopeDepth);
    }
}
