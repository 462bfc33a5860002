using System.Net;
using System.Text.RegularExpressions;

namespace Strata.Tests.Ui;

/// <summary>
/// A form of a rendered page, read as a browser would submit it: enabled inputs (checked ones only, for checkboxes and
/// radios), textareas and each select's selected option, in document order.
/// </summary>
internal sealed partial class HtmlForm
{
    private HtmlForm(string action, List<KeyValuePair<string, string>> fields)
    {
        Action = action;
        Fields = fields;
    }

    public string Action { get; }
    public List<KeyValuePair<string, string>> Fields { get; }

    public static HtmlForm Find(string html, string id)
    {
        var match = Regex.Match(html, $"<form(?<attrs>[^>]*\\bid=\"{Regex.Escape(id)}\"[^>]*)>(?<body>.*?)</form>", RegexOptions.Singleline);
        if (!match.Success) throw new InvalidOperationException($"No form #{id} on the page.");
        var fields = new List<KeyValuePair<string, string>>();
        foreach (Match control in Control().Matches(match.Groups["body"].Value))
        {
            var attrs = control.Groups["attrs"].Value;
            var name = Attr(attrs, "name");
            if (name is null || HasFlag(attrs, "disabled")) continue;
            switch (control.Groups["tag"].Value)
            {
                case "input":
                    var type = Attr(attrs, "type") ?? "text";
                    if (type is "checkbox" or "radio" && !HasFlag(attrs, "checked")) continue;
                    if (type is "submit" or "button") continue;
                    fields.Add(new(name, Attr(attrs, "value") ?? (type is "checkbox" or "radio" ? "on" : "")));
                    break;
                case "textarea":
                    fields.Add(new(name, WebUtility.HtmlDecode(control.Groups["content"].Value)));
                    break;
                case "select":
                    var selected = Regex.Match(control.Groups["content"].Value, "<option(?<o>[^>]*\\bselected\\b[^>]*)>");
                    var first = Regex.Match(control.Groups["content"].Value, "<option(?<o>[^>]*)>");
                    fields.Add(new(name, Attr((selected.Success ? selected : first).Groups["o"].Value, "value") ?? ""));
                    break;
            }
        }
        return new HtmlForm(WebUtility.HtmlDecode(Attr(match.Groups["attrs"].Value, "action")!), fields);
    }

    public string? Value(string name) => Fields.LastOrDefault(f => f.Key == name).Value;

    /// <summary>Sets a field as typing into it would (a switch: its hidden "false" stays, "true" follows when on).</summary>
    public HtmlForm Set(string name, string value)
    {
        var at = Fields.FindIndex(f => f.Key == name);
        Fields.RemoveAll(f => f.Key == name);
        Fields.Insert(at < 0 ? Fields.Count : at, new(name, value));
        return this;
    }

    public HtmlForm Switch(string name, bool on)
    {
        Fields.RemoveAll(f => f.Key == name);
        Fields.Add(new(name, "false"));
        if (on) Fields.Add(new(name, "true"));
        return this;
    }

    public HtmlForm Add(string name, string value)
    {
        Fields.Add(new(name, value));
        return this;
    }

    public HtmlForm Without(string name)
    {
        Fields.RemoveAll(f => f.Key == name);
        return this;
    }

    public Task<HttpResponseMessage> PostAsync(HttpClient client, string? action = null) =>
        client.PostAsync(action ?? Action, new FormUrlEncodedContent(Fields));

    public static string? Attr(string attrs, string name)
    {
        var m = Regex.Match(attrs, $"(?:^|\\s){Regex.Escape(name)}=\"(?<v>[^\"]*)\"");
        return m.Success ? WebUtility.HtmlDecode(m.Groups["v"].Value) : null;
    }

    private static bool HasFlag(string attrs, string name) => Regex.IsMatch(attrs, $"(?:^|\\s){name}(?:\\s|=|/|$)");

    [GeneratedRegex("<(?<tag>input|textarea|select)(?<attrs>[^>]*?)/?>(?:(?<content>.*?)</\\k<tag>>)?", RegexOptions.Singleline)]
    private static partial Regex Control();
}
