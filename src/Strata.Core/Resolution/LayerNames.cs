namespace Strata.Resolution;

/// <summary>A layer's name as responses and audit records spell it.</summary>
internal static class LayerNames
{
    public static string Of(SettingLayer layer) => layer switch
    {
        SettingLayer.Override => "override",
        SettingLayer.Environment => "environment",
        SettingLayer.Yaml => "yaml",
        _ => "code",
    };
}
