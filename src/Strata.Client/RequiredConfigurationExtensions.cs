using System.ComponentModel;
using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Strata.Client;

/// <summary>Fail-fast reads of the settings an application cannot run without.</summary>
public static class RequiredConfigurationExtensions
{
    /// <summary>
    /// Checks that every one of <paramref name="names"/> is present, so that start-up fails at once, naming all that are
    /// missing rather than the first one a request happens to touch. A key with a value (even an empty one) or a section
    /// with children is present; an absent key or a null value is missing.
    /// </summary>
    /// <param name="configuration">The configuration to check, for example <c>builder.Configuration</c>.</param>
    /// <param name="names">Configuration keys such as <c>checkout:max_items</c>.</param>
    /// <exception cref="MissingSettingsException">Any name is missing; its <see cref="MissingSettingsException.Missing"/> lists every one.</exception>
    /// <exception cref="ArgumentException">A name is null, empty or white space.</exception>
    public static void Require(this IConfiguration configuration, params IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(names);
        var asked = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var missing = new List<string>();
        foreach (var name in names)
        {
            if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("A required setting's name is empty.", nameof(names));
            if (asked.Add(name) && !IsPresent(configuration.GetSection(name))) missing.Add(name);
        }
        if (missing.Count > 0) throw new MissingSettingsException(missing);
    }

    /// <summary>
    /// The value at <paramref name="key"/> converted to <typeparamref name="T"/> as configuration binding converts it
    /// (invariant culture, the type's <see cref="TypeConverter"/>).
    /// </summary>
    /// <typeparam name="T">The type to read the value as: <see cref="string"/>, a number, <see cref="bool"/>, <see cref="TimeSpan"/>, an enum, <see cref="Uri"/>, …</typeparam>
    /// <param name="configuration">The configuration to read.</param>
    /// <param name="key">A configuration key such as <c>checkout:max_items</c>.</param>
    /// <returns>The converted value.</returns>
    /// <exception cref="MissingSettingsException">The key is absent or its value is null.</exception>
    /// <exception cref="SettingConversionException">The value is not a valid <typeparamref name="T"/>, or the key is a section without a value of its own.</exception>
    public static T GetRequired<T>(this IConfiguration configuration, string key)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        // The indexer first: a section object is made only to explain a missing value.
        if (configuration[key] is not { } value)
        {
            if (configuration.GetSection(key).GetChildren().Any())
                throw new SettingConversionException(key, typeof(T), "it is a section with children, not a single value");
            throw new MissingSettingsException([key]);
        }
        if (value is T text) return text;
        if (TryParseCommon<T>(value, out var common)) return common;

        object? converted;
        try
        {
            converted = TypeDescriptor.GetConverter(typeof(T)).ConvertFromInvariantString(value);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or NotSupportedException or OverflowException or InvalidCastException)
        {
            // The converter's own message quotes the value, so it is not kept, not even as the inner exception.
            throw new SettingConversionException(key, typeof(T), $"its value is not a valid {SettingConversionException.DisplayName(typeof(T))}");
        }
        return converted is T typed
            ? typed
            : throw new SettingConversionException(key, typeof(T), $"its value is not a valid {SettingConversionException.DisplayName(typeof(T))}");
    }

    // The common types parse without the type converter's lookup and boxing: `(T)(object)x` is a no-op once the JIT
    // knows T. Anything else (and a value these refuse) goes to the converter, which also names the failure.
    private static bool TryParseCommon<T>(string value, out T result)
    {
        var invariant = CultureInfo.InvariantCulture;
        if (typeof(T) == typeof(int) && int.TryParse(value, NumberStyles.Integer, invariant, out var i)) { result = (T)(object)i; return true; }
        if (typeof(T) == typeof(long) && long.TryParse(value, NumberStyles.Integer, invariant, out var l)) { result = (T)(object)l; return true; }
        if (typeof(T) == typeof(bool) && bool.TryParse(value, out var b)) { result = (T)(object)b; return true; }
        if (typeof(T) == typeof(double) && double.TryParse(value, NumberStyles.Float, invariant, out var d)) { result = (T)(object)d; return true; }
        if (typeof(T) == typeof(decimal) && decimal.TryParse(value, NumberStyles.Number, invariant, out var m)) { result = (T)(object)m; return true; }
        if (typeof(T) == typeof(TimeSpan) && TimeSpan.TryParse(value, invariant, out var t)) { result = (T)(object)t; return true; }
        result = default!;
        return false;
    }

    private static bool IsPresent(IConfigurationSection section) => section.Value is not null || section.GetChildren().Any();
}
