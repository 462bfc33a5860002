using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace Strata.Client.Internal;

/// <summary>Flattens a setting's JSON value into configuration keys the way .NET's JSON configuration provider does
/// (objects and arrays become <c>:</c>-separated paths, an empty one becomes null, scalars their text).</summary>
internal static class ConfigurationFlattener
{
    internal static void Flatten(string path, JsonElement value, IDictionary<string, string?> into)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                var emptyObject = true;
                foreach (var property in value.EnumerateObject())
                {
                    emptyObject = false;
                    Flatten(ConfigurationPath.Combine(path, property.Name), property.Value, into);
                }
                if (emptyObject) into[path] = null;
                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in value.EnumerateArray())
                    Flatten(ConfigurationPath.Combine(path, index++.ToString(CultureInfo.InvariantCulture)), item, into);
                if (index == 0) into[path] = null;
                break;
            case JsonValueKind.Null:
            case JsonValueKind.Undefined:
                into[path] = null;
                break;
            default:
                into[path] = value.ToString();
                break;
        }
    }
}
