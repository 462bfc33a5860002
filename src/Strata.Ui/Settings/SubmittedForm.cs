using System.Globalization;
using Microsoft.AspNetCore.Http;
using Strata.Naming;

namespace Strata.Ui.Settings;

/// <summary>
/// The namespace form as posted: per key <c>v.{key}</c> (the field), <c>orig.{key}</c> and <c>ver.{key}</c> (what it
/// was rendered from), <c>reset</c> (keys to reset), and after a lost race <c>conflict</c> and <c>choice.{key}</c>.
/// </summary>
internal sealed class SubmittedForm
{
    public const string Mine = "mine", Theirs = "theirs";

    public string Chain { get; private init; } = "";
    public bool Advanced { get; private init; }
    public string? Comment { get; private init; }
    public Dictionary<string, string> Values { get; } = new(Names.Comparer);
    public Dictionary<string, string> Originals { get; } = new(Names.Comparer);
    public Dictionary<string, long> Versions { get; } = new(Names.Comparer);
    public HashSet<string> Resets { get; } = new(Names.Comparer);
    public HashSet<string> Conflicted { get; } = new(Names.Comparer);
    public Dictionary<string, string> Choices { get; } = new(Names.Comparer);

    /// <summary>Every key the form carried a field for, in form order.</summary>
    public List<string> Keys { get; } = [];

    public static SubmittedForm Read(IFormCollection form)
    {
        var comment = form["comment"].ToString();
        var submitted = new SubmittedForm
        {
            Chain = form["scope"].ToString(),
            Advanced = form["view"] == "advanced",
            Comment = comment.Length == 0 ? null : comment,
        };
        foreach (var (name, values) in form)
        {
            // A switch posts a hidden "false" and, when on, the checkbox's "true" after it: the last one counts.
            var last = values.Count > 0 ? values[^1] ?? "" : "";
            if (name.StartsWith("v.", StringComparison.Ordinal))
            {
                submitted.Values[name[2..]] = last;
                submitted.Keys.Add(name[2..]);
            }
            else if (name.StartsWith("orig.", StringComparison.Ordinal)) submitted.Originals[name[5..]] = last;
            else if (name.StartsWith("ver.", StringComparison.Ordinal)
                && long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var version)) submitted.Versions[name[4..]] = version;
            else if (name.StartsWith("choice.", StringComparison.Ordinal)) submitted.Choices[name[7..]] = last;
        }
        foreach (var key in form["reset"]) if (!string.IsNullOrEmpty(key)) submitted.Resets.Add(key);
        foreach (var key in form["conflict"]) if (!string.IsNullOrEmpty(key)) submitted.Conflicted.Add(key);
        return submitted;
    }
}
