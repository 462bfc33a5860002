using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace Strata.Client.Internal;

/// <summary>Flattens a setting's JSON value into configuration keys the way .NET's JSON configuration provider does
/// (objects and arrays become <c>:</c>-separated paths, scalars <see cref="JsonElement.ToString"/>'s text, so
/// <c>true</c> is <c>True</c>; null stays null).</summary>
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
                // The JSON provider keeps an empty array as "" (and an empty object as null): so do we.
                if (index == 0) into[path] = "";
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
