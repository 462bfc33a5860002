using System.Text.Json;

namespace Strata.Resolution;

/// <summary>One layer's candidate for a setting, as shown by <c>?explain=true</c>.</summary>
internal sealed record LayerValue(SettingLayer Layer, JsonElement Value, string? Scope, long Version, string? Variable);
