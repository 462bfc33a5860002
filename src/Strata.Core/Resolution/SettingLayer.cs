namespace Strata;

/// <summary>Where a resolved value can come from. The order is configurable in <see cref="StrataOptions.LayerOrder"/>.</summary>
public enum SettingLayer
{
    /// <summary>A value stored through the API, UI or CLI, for some scope.</summary>
    Override,
    /// <summary>An environment variable such as <c>STRATA_billing__max_daily_usd</c>.</summary>
    Environment,
    /// <summary>The default given in the YAML definitions file.</summary>
    Yaml,
    /// <summary>The default given in code.</summary>
    Code,
}
