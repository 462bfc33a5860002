using System.Globalization;
using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Strata.Transfer;

/// <summary>Converts between YAML nodes and JSON. Plain YAML scalars are typed by their look; quoted ones are strings.</summary>
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
                var text = plain.Value ?? "";
                if (text is "" or "~" or "null") writer.WriteNullValue();
                else if (text is "true" or "false") writer.WriteBooleanValue(text == "true");
                else if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) writer.WriteNumberValue(l);
                else if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) writer.WriteNumberValue(d);
                else writer.WriteStringValue(text);
                break;
            case YamlScalarNode quoted:
                writer.WriteStringValue(quoted.Value);
                break;
        }
    }

    /// <summary>Parses a YAML document into JSON bytes; throws <see cref="YamlException"/> with a position on bad input.</summary>
    public static byte[] ToJsonBytes(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            if (stream.Documents.Count == 0) writer.WriteNullValue();
            else Write(writer, stream.Documents[0].RootNode);
        }
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
