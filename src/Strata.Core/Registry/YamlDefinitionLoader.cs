using System.Globalization;
using System.Text.Json;
using Strata.Yaml;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Strata.Registry;

/// <summary>
/// Reads a definitions file. Every problem stops start-up with <c>file:line:column: problem</c>.
/// A setting already defined in code may only supply a <c>default</c> (the YAML layer).
/// </summary>
internal static class YamlDefinitionLoader
{
    private static readonly HashSet<string> SettingFields =
    [
        "type", "default", "description", "group", "level", "sensitive", "restart_required",
        "scopes", "min", "max", "pattern", "allowed", "max_length",
    ];

    /// <summary>Largest definitions file read, in bytes.</summary>
    internal const long MaxFileBytes = 4 * 1024 * 1024;

    /// <summary>A YAML import's limits (at the default depth), so a definitions file cannot exhaust the process at start-up.</summary>
    internal static readonly YamlLimits Limits = new();

    public static void Load(string path, DefinitionRegistry registry)
    {
        var file = Path.GetFullPath(path);
        if (!File.Exists(file)) throw new DefinitionException($"{file}: the definitions file does not exist.");

        if (new FileInfo(file).Length > MaxFileBytes)
            throw new DefinitionException($"{file}: the definitions file is larger than the limit of {MaxFileBytes / (1024 * 1024)} MiB.");
        var text = File.ReadAllText(file);
        // The bounded pass refuses deep nesting, alias bombs and huge scalars before the node model (which recurses
        // and shares aliased nodes) is built; the model is kept for the positions its nodes carry.
        try
        {
            BoundedYamlReader.Read(text, Limits, json: null);
        }
        catch (YamlLimitException e)
        {
            throw new DefinitionException($"{file}:{e.Start.Line}:{e.Start.Column}: {e.Problem}.");
        }
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new DefinitionException($"{file}:{e.Start.Line}:{e.Start.Column}: {e.InnerException?.Message ?? e.Message}");
        }
        if (stream.Documents.Count == 0) return;

        var root = Expect<YamlMappingNode>(file, stream.Documents[0].RootNode, "the top level must be a mapping with 'namespaces'");
        foreach (var (keyNode, value) in root.Children)
        {
            if (Scalar(keyNode) != "namespaces") Fail(file, keyNode, $"unknown top-level field '{Scalar(keyNode)}'; expected 'namespaces'.");
            var namespaces = Expect<YamlMappingNode>(file, value, "'namespaces' must be a mapping of namespace names");
            foreach (var (nsNode, nsBody) in namespaces.Children)
                LoadNamespace(file, Scalar(nsNode), nsNode, Expect<YamlMappingNode>(file, nsBody, "a namespace must be a mapping"), registry);
        }
    }

    private static void LoadNamespace(string file, string ns, YamlNode at, YamlMappingNode body, DefinitionRegistry registry)
    {
        bool strict = false;
        string? description = null;
        YamlMappingNode? settings = null;
        foreach (var (k, v) in body.Children)
        {
            switch (Scalar(k))
            {
                case "strict": strict = Bool(file, v); break;
                case "description": description = Scalar(v); break;
                case "settings": settings = Expect<YamlMappingNode>(file, v, "'settings' must be a mapping of keys"); break;
                default: Fail(file, k, $"unknown namespace field '{Scalar(k)}'; expected strict, description or settings."); break;
            }
        }
        Guard(file, at, () => registry.AddNamespace(new NamespaceDefinition { Name = ns, Strict = strict, Description = description }, "namespace"));
        if (settings is null) return;
        foreach (var (keyNode, settingBody) in settings.Children)
            LoadSetting(file, ns, Scalar(keyNode), keyNode, Expect<YamlMappingNode>(file, settingBody, "a setting must be a mapping"), registry);
    }

    private static void LoadSetting(string file, string ns, string key, YamlNode at, YamlMappingNode body, DefinitionRegistry registry)
    {
        var fields = new Dictionary<string, YamlNode>();
        foreach (var (k, v) in body.Children)
        {
            var name = Scalar(k);
            if (!SettingFields.Contains(name)) Fail(file, k, $"unknown setting field '{name}'; expected one of {string.Join(", ", SettingFields)}.");
            fields[name] = v;
        }

        if (registry.Find(ns, key) is { } fromCode)
        {
            if (fields.Keys.Any(f => f != "default"))
                Fail(file, at, $"{ns}/{key} is defined in code; the definitions file may only give it a 'default'.");
            if (fields.TryGetValue("default", out var node))
            {
                var value = ToJson(file, node, fromCode.Type);
                DefinitionRegistry.CheckDefault(fromCode, value, problem => Fail(file, node, problem));
                fromCode.YamlDefault = value;
            }
            return;
        }

        if (!fields.TryGetValue("type", out var typeNode)) Fail(file, at, $"{ns}/{key} has no 'type'.");
        if (!Enum.TryParse<SettingType>(Scalar(typeNode!), ignoreCase: true, out var type) || int.TryParse(Scalar(typeNode!), out _))
            Fail(file, typeNode!, $"unknown type '{Scalar(typeNode!)}'; expected string, int, float, bool, enum, json or duration.");

        var definition = new SettingDefinition
        {
            Namespace = ns,
            Key = key,
            Type = type,
            Description = Text(fields, "description"),
            Group = Text(fields, "group"),
            Level = fields.TryGetValue("level", out var level) ? Level(file, level) : SettingLevel.Basic,
            Sensitive = fields.TryGetValue("sensitive", out var s) && Bool(file, s),
            RestartRequired = fields.TryGetValue("restart_required", out var r) && Bool(file, r),
            Scopes = fields.TryGetValue("scopes", out var sc) ? List(file, sc) : ["global"],
            Min = fields.TryGetValue("min", out var min) ? Number(file, min) : null,
            Max = fields.TryGetValue("max", out var max) ? Number(file, max) : null,
            Pattern = Text(fields, "pattern"),
            AllowedValues = fields.TryGetValue("allowed", out var allowed) ? List(file, allowed) : null,
            MaxLength = fields.TryGetValue("max_length", out var ml) ? (int)Number(file, ml) : null,
        };
        JsonElement? defaultValue = fields.TryGetValue("default", out var d) ? ToJson(file, d, type) : null;
        var setting = Guard(file, fields.TryGetValue("default", out var dn) ? dn : at,
            () => DefinitionRegistry.Compile(definition, defaultValue, $"{ns}/{key}", fromYaml: true));
        Guard(file, at, () => { registry.Add(setting); return 0; });
    }

    /// <summary>Turns a YAML node into JSON; plain scalars are typed by the setting's type (or by their look, for json).</summary>
    private static JsonElement ToJson(string file, YamlNode node, SettingType type)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            if (node is YamlScalarNode scalar && type is SettingType.String or SettingType.Enum or SettingType.Duration)
                writer.WriteStringValue(scalar.Value);
            else if (node is YamlScalarNode s && type == SettingType.Int)
            {
                if (!long.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) Fail(file, node, $"'{s.Value}' is not an integer.");
                writer.WriteNumberValue(l);
            }
            else if (node is YamlScalarNode f && type == SettingType.Float)
                writer.WriteNumberValue(Number(file, f));
            else if (node is YamlScalarNode b && type == SettingType.Bool)
                writer.WriteBooleanValue(Bool(file, b));
            else
            {
                try { YamlJson.Write(writer, node); }
                catch (YamlLimitException e) { throw new DefinitionException($"{file}:{e.Start.Line}:{e.Start.Column}: {e.Problem}."); }
            }
        }
        return JsonDocument.Parse(buffer.ToArray()).RootElement.Clone();
    }

    private static T Guard<T>(string file, YamlNode at, Func<T> action)
    {
        try { return action(); }
        catch (DefinitionException e) { throw new DefinitionException($"{file}:{at.Start.Line}:{at.Start.Column}: {e.Message}"); }
    }

    private static void Guard(string file, YamlNode at, Action action) => Guard(file, at, () => { action(); return 0; });

    private static T Expect<T>(string file, YamlNode node, string problem) where T : YamlNode =>
        node as T ?? throw new DefinitionException($"{file}:{node.Start.Line}:{node.Start.Column}: {problem}.");

    private static string Scalar(YamlNode node) => (node as YamlScalarNode)?.Value ?? "";

    private static string? Text(Dictionary<string, YamlNode> fields, string name) =>
        fields.TryGetValue(name, out var node) ? Scalar(node) : null;

    private static bool Bool(string file, YamlNode node) => Scalar(node).ToLowerInvariant() switch
    {
        "true" or "yes" => true,
        "false" or "no" => false,
        var other => throw Error(file, node, $"'{other}' is not true or false."),
    };

    private static double Number(string file, YamlNode node) =>
        double.TryParse(Scalar(node), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)
            ? d : throw Error(file, node, $"'{Scalar(node)}' is not a number.");

    private static SettingLevel Level(string file, YamlNode node) =>
        Enum.TryParse<SettingLevel>(Scalar(node), ignoreCase: true, out var level) && !int.TryParse(Scalar(node), out _)
            ? level : throw Error(file, node, $"unknown level '{Scalar(node)}'; expected basic or advanced.");

    private static List<string> List(string file, YamlNode node) => node switch
    {
        YamlSequenceNode seq => seq.Children.Select(Scalar).ToList(),
        _ => throw Error(file, node, "expected a list, such as [a, b]."),
    };

    private static DefinitionException Error(string file, YamlNode node, string problem) =>
        new($"{file}:{node.Start.Line}:{node.Start.Column}: {problem}");

    private static void Fail(string file, YamlNode node, string problem) => throw Error(file, node, problem);
}
