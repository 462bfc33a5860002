namespace Strata.Client;

/// <summary>
/// A setting is present but cannot be read as the type asked for. The message names the key and the type and never
/// the value, which may be a secret.
/// </summary>
public sealed class SettingConversionException : Exception
{
    /// <summary>Reports that the value at <paramref name="key"/> is not a valid <paramref name="targetType"/>.</summary>
    /// <param name="key">The configuration key (<c>namespace:key</c>).</param>
    /// <param name="targetType">The type the value was to be read as.</param>
    /// <param name="reason">Why, without the value: for example "its value is not a valid Int32".</param>
    public SettingConversionException(string key, Type targetType, string reason)
        : base($"The setting {key} cannot be read as {DisplayName(targetType)}: {reason}.")
    {
        Key = key;
        TargetType = targetType;
    }

    /// <summary>The configuration key whose value could not be converted.</summary>
    public string Key { get; }

    /// <summary>The type the value was to be read as.</summary>
    public Type TargetType { get; }

    internal static string DisplayName(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return Nullable.GetUnderlyingType(type) is { } underlying ? underlying.Name + "?" : type.Name;
    }
}
