using System.Text.Encodings.Web;
using System.Text.Json;
using Strata.Registry;

namespace Strata.Ui.History;

/// <summary>Stored values as history pages show them: the mask for a sensitive one, JSON text otherwise, and their diffs.</summary>
internal static class ValueText
{
    // Above this many cells the line diff gives up on a minimal answer and shows the changed middle as removed, then added.
    private const long MaxCells = 1_000_000;

    private static readonly JsonWriterOptions Indented = new()
    {
        Indented = true,
        NewLine = "\n",
        // Razor encodes what it writes; the JSON writer's own escaping would only make values harder to read.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Raw stored JSON as shown: null stays null (no override), a sensitive value is the mask.</summary>
    public static string? Show(string? json, bool masked) => json is null ? null : masked ? SensitiveValue.Mask : json;

    public static ValueDiff Diff(string? oldJson, string? newJson, bool masked)
    {
        if (masked) return new ValueDiff(Show(oldJson, true), Show(newJson, true), true, null);
        var oldLines = Structured(oldJson);
        var newLines = Structured(newJson);
        if ((oldLines is null && oldJson is not null) || (newLines is null && newJson is not null) || (oldLines is null && newLines is null))
            return new ValueDiff(oldJson, newJson, false, null);
        return new ValueDiff(oldJson, newJson, false, Lines(oldLines ?? [], newLines ?? []));
    }

    /// <summary>An object or array pretty-printed into lines; null for a scalar or an absent value.</summary>
    private static string[]? Structured(string? json)
    {
        if (json is null) return null;
        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array)) return null;
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Indented))
            document.RootElement.WriteTo(writer);
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray()).Split('\n');
    }

    /// <summary>A longest-common-subsequence line diff, after the common head and tail are set aside.</summary>
    private static List<DiffLine> Lines(string[] a, string[] b)
    {
        var head = 0;
        while (head < a.Length && head < b.Length && a[head] == b[head]) head++;
        var tail = 0;
        while (tail < a.Length - head && tail < b.Length - head && a[^(tail + 1)] == b[^(tail + 1)]) tail++;
        var result = new List<DiffLine>(a.Length + b.Length);
        for (var i = 0; i < head; i++) result.Add(new DiffLine(DiffKind.Same, a[i]));
        var (n, m) = (a.Length - head - tail, b.Length - head - tail);
        if ((long)n * m > MaxCells)
        {
            for (var i = 0; i < n; i++) result.Add(new DiffLine(DiffKind.Removed, a[head + i]));
            for (var j = 0; j < m; j++) result.Add(new DiffLine(DiffKind.Added, b[head + j]));
        }
        else
        {
            // lengths[i, j]: the longest common subsequence of a's middle from i and b's middle from j.
            var lengths = new int[n + 1, m + 1];
            for (var i = n - 1; i >= 0; i--)
                for (var j = m - 1; j >= 0; j--)
                    lengths[i, j] = a[head + i] == b[head + j] ? lengths[i + 1, j + 1] + 1 : Math.Max(lengths[i + 1, j], lengths[i, j + 1]);
            var (x, y) = (0, 0);
            while (x < n || y < m)
            {
                if (x < n && y < m && a[head + x] == b[head + y])
                {
                    result.Add(new DiffLine(DiffKind.Same, a[head + x]));
                    (x, y) = (x + 1, y + 1);
                }
                // Removals before additions where either keeps the common part as long: the old line reads first.
                else if (x < n && (y == m || lengths[x + 1, y] >= lengths[x, y + 1]))
                    result.Add(new DiffLine(DiffKind.Removed, a[head + x++]));
                else
                    result.Add(new DiffLine(DiffKind.Added, b[head + y++]));
            }
        }
        for (var i = a.Length - tail; i < a.Length; i++) result.Add(new DiffLine(DiffKind.Same, a[i]));
        return result;
    }
}
