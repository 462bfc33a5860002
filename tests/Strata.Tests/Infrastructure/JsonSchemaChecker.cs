using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Strata.Tests.Infrastructure;

/// <summary>
/// Checks a JSON value against a schema of the served OpenAPI 3.1 document (JSON Schema 2020-12), resolving
/// <c>$ref</c> within it. Small and strict: a keyword it does not know is an error rather than silently ignored.
/// </summary>
public sealed class JsonSchemaChecker(JsonElement document)
{
    private static readonly HashSet<string> Annotations =
        ["description", "title", "default", "examples", "example", "deprecated", "readOnly", "writeOnly"];

    /// <summary>Every mismatch, each as "$.path: what" (empty when the value conforms).</summary>
    public List<string> Check(JsonElement value, JsonElement schema)
    {
        var errors = new List<string>();
        Check(value, schema, "$", errors, depth: 0);
        return errors;
    }

    /// <summary>Follows <c>$ref</c> (to a schema, a response…) within the document.</summary>
    public JsonElement Resolve(JsonElement schema)
    {
        for (var hops = 0; schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("$ref", out var reference); hops++)
        {
            if (hops > 32) throw new InvalidOperationException($"$ref loop at {reference}");
            var target = document;
            var pointer = reference.GetString()!;
            if (!pointer.StartsWith("#/", StringComparison.Ordinal)) throw new InvalidOperationException($"Only local $ref is supported: {pointer}");
            foreach (var part in pointer[2..].Split('/'))
                if (!target.TryGetProperty(part.Replace("~1", "/").Replace("~0", "~"), out target))
                    throw new InvalidOperationException($"$ref {pointer} points at nothing in the document.");
            schema = target;
        }
        return schema;
    }

    private void Check(JsonElement value, JsonElement schema, string path, List<string> errors, int depth)
    {
        if (depth > 64) throw new InvalidOperationException($"Schema nesting too deep at {path}.");
        if (schema.ValueKind == JsonValueKind.True) return;
        if (schema.ValueKind == JsonValueKind.False)
        {
            errors.Add($"{path}: no value is allowed here");
            return;
        }
        schema = Resolve(schema);
        foreach (var keyword in schema.EnumerateObject())
        {
            var k = keyword.Value;
            switch (keyword.Name)
            {
                case "type":
                    var types = k.ValueKind == JsonValueKind.Array ? k.EnumerateArray().Select(t => t.GetString()!).ToList() : [k.GetString()!];
                    if (!types.Any(t => IsType(value, t))) errors.Add($"{path}: {Describe(value)} is not of type {string.Join(" or ", types)}");
                    break;
                case "enum":
                    if (!k.EnumerateArray().Any(e => JsonElement.DeepEquals(e, value)))
                        errors.Add($"{path}: {Describe(value)} is not one of {k.GetRawText()}");
                    break;
                case "const":
                    if (!JsonElement.DeepEquals(k, value)) errors.Add($"{path}: {Describe(value)} is not {k.GetRawText()}");
                    break;
                case "properties":
                    if (value.ValueKind != JsonValueKind.Object) break;
                    foreach (var property in k.EnumerateObject())
                        if (value.TryGetProperty(property.Name, out var v)) Check(v, property.Value, $"{path}.{property.Name}", errors, depth + 1);
                    break;
                case "required":
                    if (value.ValueKind != JsonValueKind.Object) break;
                    foreach (var name in k.EnumerateArray().Select(n => n.GetString()!))
                        if (!value.TryGetProperty(name, out _)) errors.Add($"{path}: required property '{name}' is missing");
                    break;
                case "additionalProperties":
                    if (value.ValueKind != JsonValueKind.Object) break;
                    var declared = schema.TryGetProperty("properties", out var p) ? p.EnumerateObject().Select(x => x.Name).ToHashSet() : [];
                    foreach (var property in value.EnumerateObject().Where(x => !declared.Contains(x.Name)))
                    {
                        if (k.ValueKind == JsonValueKind.False) errors.Add($"{path}: property '{property.Name}' is not in the schema");
                        else Check(property.Value, k, $"{path}.{property.Name}", errors, depth + 1);
                    }
                    break;
                case "items":
                    if (value.ValueKind != JsonValueKind.Array) break;
                    var index = 0;
                    foreach (var item in value.EnumerateArray()) Check(item, k, $"{path}[{index++}]", errors, depth + 1);
                    break;
                case "minItems":
                    if (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() < k.GetInt32()) errors.Add($"{path}: fewer than {k.GetInt32()} items");
                    break;
                case "maxItems":
                    if (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > k.GetInt32()) errors.Add($"{path}: more than {k.GetInt32()} items");
                    break;
                case "minLength":
                    if (value.ValueKind == JsonValueKind.String && Length(value) < k.GetInt32()) errors.Add($"{path}: shorter than {k.GetInt32()}");
                    break;
                case "maxLength":
                    if (value.ValueKind == JsonValueKind.String && Length(value) > k.GetInt32()) errors.Add($"{path}: longer than {k.GetInt32()}");
                    break;
                case "pattern":
                    if (value.ValueKind == JsonValueKind.String && !Regex.IsMatch(value.GetString()!, k.GetString()!, RegexOptions.None, TimeSpan.FromSeconds(1)))
                        errors.Add($"{path}: {Describe(value)} does not match {k.GetString()}");
                    break;
                case "minimum":
                    if (value.ValueKind == JsonValueKind.Number && value.GetDecimal() < k.GetDecimal()) errors.Add($"{path}: {value} is below {k}");
                    break;
                case "maximum":
                    if (value.ValueKind == JsonValueKind.Number && value.GetDecimal() > k.GetDecimal()) errors.Add($"{path}: {value} is above {k}");
                    break;
                case "format":
                    if (value.ValueKind == JsonValueKind.String && !HasFormat(value.GetString()!, k.GetString()!))
                        errors.Add($"{path}: {Describe(value)} is not a {k.GetString()}");
                    break;
                case "oneOf":
                    var matching = k.EnumerateArray().Count(s => Check(value, s).Count == 0);
                    if (matching != 1) errors.Add($"{path}: {Describe(value)} matches {matching} of the oneOf schemas, not exactly one");
                    break;
                case "anyOf":
                    if (!k.EnumerateArray().Any(s => Check(value, s).Count == 0)) errors.Add($"{path}: {Describe(value)} matches none of the anyOf schemas");
                    break;
                case "allOf":
                    foreach (var s in k.EnumerateArray()) Check(value, s, path, errors, depth + 1);
                    break;
                default:
                    if (!Annotations.Contains(keyword.Name))
                        throw new InvalidOperationException($"The schema at {path} uses '{keyword.Name}', which this checker does not know: teach it, rather than ignore it.");
                    break;
            }
        }
    }

    private static bool IsType(JsonElement value, string type) => type switch
    {
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "string" => value.ValueKind == JsonValueKind.String,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => value.ValueKind == JsonValueKind.Null,
        "number" => value.ValueKind == JsonValueKind.Number,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var d) && d == decimal.Truncate(d),
        _ => throw new InvalidOperationException($"Unknown JSON Schema type '{type}'."),
    };

    private static bool HasFormat(string text, string format) => format switch
    {
        "date-time" => DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out _) && text.Contains('T', StringComparison.Ordinal),
        "uuid" => Guid.TryParseExact(text, "D", out _),
        "int32" or "int64" or "double" or "float" => true,
        _ => throw new InvalidOperationException($"Unknown format '{format}'."),
    };

    // JSON Schema counts code points, not UTF-16 units.
    private static int Length(JsonElement value) => value.GetString()!.EnumerateRunes().Count();

    private static string Describe(JsonElement value)
    {
        var text = value.GetRawText();
        return text.Length <= 80 ? text : string.Concat(text.AsSpan(0, 80), "…");
    }
}
