using System.Text.Json;

namespace Strata.Client.Internal;

/// <summary>One setting as the client serves it: its resolved value and whether it is declared sensitive.</summary>
internal sealed record AppliedSetting(JsonElement Value, bool Sensitive);
