using System.Text.Json;

namespace Strata.Client.Mqtt;

/// <summary>One namespace's message from the bridge (docs/bridges.md), read after its signature verified.</summary>
internal sealed record NamespaceState(string Event, long Revision, DateTimeOffset At, string Namespace,
    IReadOnlyList<KeyValuePair<string, JsonElement>> Values, IReadOnlyList<string> Withheld)
{
    public const string Reloaded = "reloaded";

    /// <summary>Reads a message; throws <see cref="JsonException"/> or <see cref="FormatException"/> when it is not one.</summary>
    public static NamespaceState Parse(ReadOnlyMemory<byte> payload)
    {
        using var document = JsonDocument.Parse(payload);
        var root = document.RootElement;
        var values = new List<KeyValuePair<string, JsonElement>>();
        foreach (var member in Required(root, "values", JsonValueKind.Object).EnumerateObject())
            values.Add(new(member.Name, member.Value.Clone()));
        var withheld = root.TryGetProperty("withheld", out var w) && w.ValueKind == JsonValueKind.Array
            ? w.EnumerateArray().Select(e => e.GetString() ?? "").ToList()
            : [];
        return new NamespaceState(
            Required(root, "event", JsonValueKind.String).GetString()!,
            Required(root, "revision", JsonValueKind.Number).GetInt64(),
            Required(root, "at", JsonValueKind.String).GetDateTimeOffset(),
            Required(root, "namespace", JsonValueKind.String).GetString()!,
            values, withheld);
    }

    private static JsonElement Required(JsonElement root, string name, JsonValueKind kind) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == kind
            ? value
            : throw new FormatException($"The message has no {name} of kind {kind}.");
}
