using System.Globalization;
using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Strata.Yaml;

/// <summary>
/// Converts between YAML and JSON. Plain YAML scalars are typed by their look; quoted ones are strings.
/// YAML from outside is read by <see cref="BoundedYamlReader"/>, never loaded whole into nodes first.
/// </summary>
internal static class YamlJson
{
    public static void Write(Utf8JsonWriter writer, YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode map:
                writer.WriteStartObject();
                foreach (var (k, v) in map.Children) { writer.WritePropertyName((k as YamlScalarNode)?.Value ?? ""); Write(writer, v); }
                writer.WriteEndObject();
                break;
            case YamlSequenceNode seq:
                writer.WriteStartArray();
                foreach (var item in seq.Children) Write(writer, item);
                writer.WriteEndArray();
                break;
            case YamlScalarNode { Style: ScalarStyle.Plain } plain:
                if (!TryWritePlain(writer, plain.Value ?? "")) throw new YamlLimitException("range", $"The number {plain.Value} is out of range", plain.Start);
                break;
            case YamlScalarNode quoted:
                writer.WriteStringValue(quoted.Value);
                break;
        }
    }

    /// <summary>
    /// Writes a plain scalar typed by its look: null, bool, integer, number or string. A number written as JSON writes
    /// it (<c>1.50</c>, <c>1E2</c>, <c>12345678901234567890123</c>) is kept exactly as written, so an export read back
    /// is the same value, as JSON would keep it; YAML-only spellings (<c>+5</c>, <c>.5</c>) are converted. False when
    /// such a spelling is too large for a double. (<c>NaN</c> and <c>Infinity</c> stay strings.)
    /// </summary>
    public static bool TryWritePlain(Utf8JsonWriter writer, string text)
    {
        if (text is "" or "~" or "null") writer.WriteNullValue();
        else if (text is "true" or "false") writer.WriteBooleanValue(text == "true");
        else if (IsJsonNumber(text)) writer.WriteRawValue(text, skipInputValidation: true);
        else if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) writer.WriteNumberValue(l);
        else if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)) writer.WriteNumberValue(d);
        else if (double.IsInfinity(d) && text.AsSpan().IndexOfAnyInRange('0', '9') >= 0) return false;
        else writer.WriteStringValue(text);
        return true;
    }

    /// <summary>Whether the text is a number in JSON's grammar: <c>-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?</c>.</summary>
    private static bool IsJsonNumber(ReadOnlySpan<char> t)
    {
        var i = 0;
        if (i < t.Length && t[i] == '-') i++;
        if (i >= t.Length) return false;
        if (t[i] == '0') i++;
        else if (t[i] is >= '1' and <= '9') while (i < t.Length && char.IsAsciiDigit(t[i])) i++;
        else return false;
        if (i < t.Length && t[i] == '.')
        {
            var start = ++i;
            while (i < t.Length && char.IsAsciiDigit(t[i])) i++;
            if (i == start) return false;
        }
        if (i < t.Length && t[i] is 'e' or 'E')
        {
            i++;
            if (i < t.Length && t[i] is '+' or '-') i++;
            var start = i;
            while (i < t.Length && char.IsAsciiDigit(t[i])) i++;
            if (i == start) return false;
        }
        return i == t.Length;
    }

    /// <summary>
    /// Parses a YAML document into JSON bytes within <paramref name="limits"/>, checked while parsing;
    /// throws <see cref="YamlLimitException"/> with a rule and a position on bad input.
    /// </summary>
    public static byte[] ToJsonBytes(string yaml, YamlLimits limits)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer)) BoundedYamlReader.Read(yaml, limits, writer);
        return buffer.ToArray();
    }

    public static string ToYaml(JsonElement element)
    {
        var stream = new YamlStream(new YamlDocument(ToNode(element)));
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        stream.Save(text, assignAnchors: false);
        return text.ToString().Replace("\n...\n", "\n", StringComparison.Ordinal);
    }

    private static YamlNode ToNode(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => new YamlMappingNode(e.EnumerateObject().Select(p =>
            new KeyValuePair<YamlNode, YamlNode>(new YamlScalarNode(p.Name), ToNode(p.Value)))),
        JsonValueKind.Array => new YamlSequenceNode(e.EnumerateArray().Select(ToNode)),
        JsonValueKind.String => new YamlScalarNode(e.GetString()) { Style = ScalarStyle.DoubleQuoted },
        JsonValueKind.Null => new YamlScalarNode("null"),
        _ => new YamlScalarNode(e.GetRawText()),
    };
}
