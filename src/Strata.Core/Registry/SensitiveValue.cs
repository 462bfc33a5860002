using System.Text.Json;

namespace Strata.Registry;

/// <summary>How a sensitive value is shown wherever it is written out: as the mask, never in clear.</summary>
internal static class SensitiveValue
{
    public const string Mask = "********";

    /// <summary>Raw stored JSON (null = absent) as a property, masked when sensitive.</summary>
    public static void WriteRaw(Utf8JsonWriter w, string name, string? json, bool sensitive)
    {
        if (json is null) w.WriteNull(name);
        else if (sensitive) w.WriteString(name, Mask);
        else
        {
            w.WritePropertyName(name);
            w.WriteRawValue(json, skipInputValidation: true);
        }
    }
}
