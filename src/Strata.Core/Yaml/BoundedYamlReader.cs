using System.Buffers;
using System.Text;
using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Strata.Yaml;

/// <summary>
/// Reads one YAML document from the parser's event stream, enforcing <see cref="YamlLimits"/> as each event arrives,
/// and writes it as JSON (or only checks it). Nothing recurses, so depth costs no stack; an alias is replayed from a
/// log of its anchor's events, counted like the nodes it repeats, so a few bytes cannot expand into millions of nodes.
/// </summary>
internal sealed class BoundedYamlReader
{
    private readonly YamlLimits _limits;
    private readonly Utf8JsonWriter? _json;
    private readonly Stack<Frame> _open = new();
    private readonly Dictionary<string, AnchorSpan> _anchors = new(StringComparer.Ordinal);
    // Events of anchored nodes (and of everything nested in them), for aliases to replay; empty without anchors.
    private readonly List<Item> _log = [];
    private int _recording;
    private int _nodes;
    private int _aliases;
    private int _expansion;

    private BoundedYamlReader(YamlLimits limits, Utf8JsonWriter? json) => (_limits, _json) = (limits, json);

    /// <summary>
    /// Reads <paramref name="yaml"/> and writes its document to <paramref name="json"/> (null when there is none);
    /// with no writer it only checks. Throws <see cref="YamlLimitException"/> on invalid YAML or a limit passed.
    /// </summary>
    public static void Read(string yaml, YamlLimits limits, Utf8JsonWriter? json)
    {
        var reader = new BoundedYamlReader(limits, json);
        var parser = new Parser(new StringReader(yaml));
        var documents = 0;
        try
        {
            while (parser.MoveNext())
            {
                switch (parser.Current)
                {
                    case DocumentStart start when ++documents > 1:
                        throw new YamlLimitException("yaml", "The YAML holds more than one document; send one", start.Start);
                    // Typed by its look only when plain and not tagged !!str: `limit: !!str 5` is the string "5". Any other
                    // tag would ask for a conversion that is not made, so it is refused rather than ignored.
                    case Scalar s when !s.Tag.IsEmpty && !IsStrTag(s):
                        throw new YamlLimitException("yaml", $"The tag {Naming.Names.Truncate(s.Tag.Value)} is not supported: plain values are typed by their look, and !!str makes a string", s.Start);
                    case NodeEvent n and (SequenceStart or MappingStart) when !n.Tag.IsEmpty && n.Tag.Value is not ("tag:yaml.org,2002:seq" or "tag:yaml.org,2002:map"):
                        throw new YamlLimitException("yaml", $"The tag {Naming.Names.Truncate(n.Tag.Value)} is not supported on a mapping or sequence", n.Start);
                    case Scalar s: reader.Emit(new Item(Kind.Scalar, s.Value, s.Style == ScalarStyle.Plain && !IsStrTag(s)), s.Start, AnchorOf(s)); break;
                    case SequenceStart s: reader.Emit(new Item(Kind.SequenceStart), s.Start, AnchorOf(s)); break;
                    case MappingStart m: reader.Emit(new Item(Kind.MappingStart), m.Start, AnchorOf(m)); break;
                    case SequenceEnd or MappingEnd: reader.EmitEnd(); break;
                    case AnchorAlias alias: reader.Replay(alias); break;
                }
            }
        }
        catch (YamlException e)
        {
            var prefix = $"{e.Start} - {e.End}: ";
            var message = e.Message.StartsWith(prefix, StringComparison.Ordinal) ? e.Message[prefix.Length..] : e.Message;
            throw new YamlLimitException("yaml", $"The YAML is not valid ({message.TrimEnd('.')})", e.Start);
        }
        if (documents == 0) json?.WriteNullValue();
    }

    private static string? AnchorOf(NodeEvent node) => node.Anchor.IsEmpty ? null : node.Anchor.Value;

    private void Emit(Item item, Mark at, string? anchor)
    {
        var parent = _open.Count > 0 ? _open.Peek() : null;
        var isKey = parent is { IsMapping: true, ExpectsKey: true };
        if (item.Kind == Kind.Scalar)
        {
            var text = item.Text!;
            if (text.Length > _limits.MaxScalarLength)
                throw new YamlLimitException("maxScalarLength", $"A scalar is longer than the limit of {_limits.MaxScalarLength} characters", at);
            if (text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') >= 0 && !IsWellFormed(text))
                throw new YamlLimitException("yaml", "A scalar holds an unpaired surrogate, which is not Unicode text", at);
            CountNode(at);
            if (isKey)
            {
                if (!(parent!.Keys ??= new HashSet<string>(StringComparer.Ordinal)).Add(text))
                    throw new YamlLimitException("duplicate", $"The key '{Shorten(text)}' appears twice in one mapping", at);
                _json?.WritePropertyName(text);
            }
            else if (_json is not null)
            {
                if (!item.Plain) _json.WriteStringValue(text);
                else if (!YamlJson.TryWritePlain(_json, text))
                    throw new YamlLimitException("range", $"The number {Shorten(text)} is out of range", at);
            }
            if (parent is { IsMapping: true }) parent.ExpectsKey = !isKey;
            if (anchor is not null) _anchors[anchor] = new AnchorSpan(_log.Count, _log.Count + 1);
            if (anchor is not null || _recording > 0) _log.Add(item);
            return;
        }

        if (isKey) throw new YamlLimitException("yaml", "A mapping key must be a scalar, not a mapping or a sequence", at);
        if (_open.Count >= _limits.MaxDepth)
            throw new YamlLimitException("maxDepth", $"The YAML is nested deeper than the limit of {_limits.MaxDepth} levels", at);
        CountNode(at);
        var mapping = item.Kind == Kind.MappingStart;
        if (mapping) _json?.WriteStartObject(); else _json?.WriteStartArray();
        var frame = new Frame { IsMapping = mapping, ExpectsKey = mapping, Anchor = anchor, AnchorStart = _log.Count };
        if (anchor is not null)
        {
            _anchors[anchor] = new AnchorSpan(_log.Count, -1);
            _recording++;
        }
        if (_recording > 0) _log.Add(item);
        _open.Push(frame);
    }

    private void EmitEnd()
    {
        var frame = _open.Pop();
        if (frame.IsMapping) _json?.WriteEndObject(); else _json?.WriteEndArray();
        if (_recording > 0) _log.Add(new Item(frame.IsMapping ? Kind.MappingEnd : Kind.SequenceEnd));
        if (frame.Anchor is not null)
        {
            _anchors[frame.Anchor] = new AnchorSpan(frame.AnchorStart, _log.Count);
            _recording--;
        }
        if (_open.Count > 0 && _open.Peek().IsMapping) _open.Peek().ExpectsKey = true;
    }

    private void Replay(AnchorAlias alias)
    {
        var name = alias.Value.Value;
        if (!_anchors.TryGetValue(name, out var span))
            throw new YamlLimitException("yaml", $"The alias *{Shorten(name)} names no anchor defined before it", alias.Start);
        if (span.End < 0)
            throw new YamlLimitException("yaml", $"The alias *{Shorten(name)} is inside the node it names (a node cannot contain itself)", alias.Start);
        if (++_aliases > _limits.MaxAliases)
            throw new YamlLimitException("maxAliases", $"The YAML uses more than the limit of {_limits.MaxAliases} aliases", alias.Start);
        for (var i = span.Start; i < span.End; i++)
        {
            var item = _log[i];
            _expansion += 1 + (item.Text?.Length ?? 0);
            if (_expansion > _limits.MaxAliasExpansion)
                throw new YamlLimitException("maxAliasExpansion",
                    $"Aliases repeat more than the limit of {_limits.MaxAliasExpansion} nodes and characters", alias.Start);
            if (item.Kind is Kind.MappingEnd or Kind.SequenceEnd) EmitEnd();
            else Emit(item, alias.Start, anchor: null);
        }
    }

    private void CountNode(Mark at)
    {
        if (++_nodes > _limits.MaxNodes)
            throw new YamlLimitException("maxNodes", $"The YAML has more than the limit of {_limits.MaxNodes} nodes (aliases counted as often as used)", at);
    }

    private static bool IsWellFormed(string text)
    {
        var rest = text.AsSpan();
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out _, out var used) != OperationStatus.Done) return false;
            rest = rest[used..];
        }
        return true;
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static bool IsStrTag(Scalar s) => !s.Tag.IsEmpty && s.Tag.Value == "tag:yaml.org,2002:str";

    private enum Kind : byte { Scalar, SequenceStart, SequenceEnd, MappingStart, MappingEnd }

    private readonly record struct Item(Kind Kind, string? Text = null, bool Plain = false);

    private readonly record struct AnchorSpan(int Start, int End);

    private sealed class Frame
    {
        public bool IsMapping { get; init; }
        public bool ExpectsKey { get; set; }
        public HashSet<string>? Keys { get; set; }
        public string? Anchor { get; init; }
        public int AnchorStart { get; init; }
    }
}
