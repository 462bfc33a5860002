using System.Text.Json.Serialization;

namespace Strata.Client.LastKnownGood;

/// <summary>One configuration key: a plain <see cref="Value"/>, or for a sensitive one only its <see cref="Sealed"/> form.</summary>
internal sealed record LastKnownGoodEntry(
    string Key,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Value = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Sensitive = false,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Sealed = null);
