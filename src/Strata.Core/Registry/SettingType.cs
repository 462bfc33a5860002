namespace Strata;

/// <summary>The type of a defined setting; it decides validation, the UI input and the typed read.</summary>
public enum SettingType
{
    /// <summary>A JSON string.</summary>
    String,
    /// <summary>A JSON integer that fits in 64 bits.</summary>
    Int,
    /// <summary>Any JSON number.</summary>
    Float,
    /// <summary>JSON true or false.</summary>
    Bool,
    /// <summary>A string from <see cref="SettingDefinition.AllowedValues"/>.</summary>
    Enum,
    /// <summary>Any JSON value.</summary>
    Json,
    /// <summary>A string such as <c>250ms</c>, <c>30s</c>, <c>5m</c>, <c>2h</c>, <c>1d</c> or <c>00:00:30</c>.</summary>
    Duration,
}

/// <summary>How prominently a UI shows a setting.</summary>
public enum SettingLevel
{
    /// <summary>Shown by default.</summary>
    Basic,
    /// <summary>Shown when the user asks for advanced settings.</summary>
    Advanced,
}
