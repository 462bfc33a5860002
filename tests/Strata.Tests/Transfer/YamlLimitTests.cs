using System.Diagnostics;
using System.Text;
using Strata.Yaml;

namespace Strata.Tests.Transfer;

/// <summary>The bounded YAML reader: every limit stops the document while it is parsed, with the rule and the position.</summary>
public sealed class YamlLimitTests
{
    private static readonly YamlLimits Defaults = new();

    private static string Json(string yaml, YamlLimits? limits = null) => Encoding.UTF8.GetString(YamlJson.ToJsonBytes(yaml, limits ?? Defaults));

    private static YamlLimitException Refused(string yaml, YamlLimits? limits = null) =>
        Assert.Throws<YamlLimitException>(() => YamlJson.ToJsonBytes(yaml, limits ?? Defaults));

    [Fact]
    public void Plain_scalars_are_typed_by_their_look_and_quoted_ones_stay_strings()
    {
        var json = Json("a: 5\nb: -2.5\nc: true\nd: ~\ne: '5'\nf: text\ng: \"true\"\nh:\ni: NaN\nj: [1, {k: v}]\n");
        Assert.Equal("""{"a":5,"b":-2.5,"c":true,"d":null,"e":"5","f":"text","g":"true","h":null,"i":"NaN","j":[1,{"k":"v"}]}""", json);
    }

    [Fact]
    public void An_empty_document_is_null()
    {
        Assert.Equal("null", Json(""));
        Assert.Equal("null", Json("# only a comment\n"));
    }

    [Fact]
    public void Aliases_repeat_their_anchored_node_and_nested_anchors_inside_it()
    {
        var json = Json("base: &b {x: 1, list: &l [a, b]}\ncopy: *b\nlist: *l\nname: &n text\nagain: *n\n*n : key from an alias\n");
        Assert.Equal("""{"base":{"x":1,"list":["a","b"]},"copy":{"x":1,"list":["a","b"]},"list":["a","b"],"name":"text","again":"text","text":"key from an alias"}""", json);
    }

    [Fact]
    public void Nesting_up_to_the_depth_limit_is_read_and_one_level_more_is_refused()
    {
        var limits = new YamlLimits { MaxDepth = 5 };
        Assert.Equal("[[[[[1]]]]]", Json("[[[[[1]]]]]", limits));

        var error = Refused("[[[[[[1]]]]]]", limits);

        Assert.Equal(("maxDepth", 1, 6), (error.Rule, error.Start.Line, error.Start.Column));
        Assert.Contains("limit of 5 levels", error.Message);
    }

    [Fact]
    public void Deep_nesting_is_refused_at_the_limit_without_parsing_the_rest()
    {
        // Modest depths here: 200,000 levels run against a child process (YamlAttackTests), where a stack overflow
        // in a regression would not take the test host down. The parser's cost grows with the square of flow depth.
        var watch = Stopwatch.StartNew();
        foreach (var yaml in new[] { new string('[', 20_000) + new string(']', 20_000), "a:\n" + string.Concat(Enumerable.Repeat("- ", 20_000)) + "x", YamlAttacks.DeepBlockMapping })
            Assert.Equal("maxDepth", Refused(yaml).Rule);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    [Fact]
    public void An_alias_nested_in_an_aliased_node_counts_against_the_depth_limit()
    {
        var error = Refused("a: &a [[[1]]]\nb: [[*a]]\n", new YamlLimits { MaxDepth = 5 });
        Assert.Equal(("maxDepth", 2), (error.Rule, error.Start.Line));
    }

    [Fact]
    public void Billion_laughs_stops_at_the_alias_expansion_limit()
    {
        var watch = Stopwatch.StartNew();

        var error = Refused(YamlAttacks.BillionLaughs);

        Assert.True(YamlAttacks.BillionLaughs.Length < 500);
        Assert.Equal("maxAliasExpansion", error.Rule);
        Assert.Contains("limit of 1048576", error.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    [Fact]
    public void More_aliases_than_the_limit_are_refused()
    {
        var limits = new YamlLimits { MaxAliases = 3 };
        Assert.Equal("[1,1,1,1]", Json("[&a 1, *a, *a, *a]", limits));

        var error = Refused("[&a 1, *a, *a, *a, *a]", limits);

        Assert.Equal(("maxAliases", 1, 20), (error.Rule, error.Start.Line, error.Start.Column));
    }

    [Fact]
    public void Nodes_are_counted_with_aliases_expanded()
    {
        var limits = new YamlLimits { MaxNodes = 10 };
        Assert.Equal("[1,2,3,4,5,6,7,8,9]", Json("[1, 2, 3, 4, 5, 6, 7, 8, 9]", limits));
        Assert.Equal("maxNodes", Refused("[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]", limits).Rule);

        // 4 nodes written, then each alias repeats 3 (the sequence and its two items).
        Assert.Equal("maxNodes", Refused("[&a [1, 2], *a, *a]", limits with { MaxNodes = 9 }).Rule);
        Assert.Equal("[[1,2],[1,2],[1,2]]", Json("[&a [1, 2], *a, *a]", limits));
    }

    [Fact]
    public void A_scalar_longer_than_the_limit_is_refused()
    {
        var limits = new YamlLimits { MaxScalarLength = 10 };
        Assert.Equal("""{"k":"abcdefghij"}""", Json("k: abcdefghij", limits));

        var error = Refused("k: '01234567890'", limits);

        Assert.Equal(("maxScalarLength", 1, 4), (error.Rule, error.Start.Line, error.Start.Column));
        Assert.Equal("maxScalarLength", Refused(YamlAttacks.HugeScalar).Rule);
    }

    [Fact]
    public void Aliases_that_repeat_long_scalars_count_their_characters()
    {
        var limits = new YamlLimits { MaxAliasExpansion = 100 };
        var scalar = new string('x', 60);
        Assert.Equal("maxAliasExpansion", Refused($"a: &a {scalar}\nb: *a\nc: *a\n", limits).Rule);
        Json($"a: &a {scalar}\nb: *a\n", limits);
    }

    [Theory]
    [InlineData("settings: &loop\n  app: *loop\n", 2, "inside the node it names")]
    [InlineData("a: [&x 1, *y]\n", 1, "names no anchor defined before it")]
    [InlineData("a: *later\nb: &later 1\n", 1, "names no anchor defined before it")]
    [InlineData("? [complex, key]\n: value\n", 1, "key must be a scalar")]
    [InlineData("{[a]: b}\n", 1, "key must be a scalar")]
    [InlineData("a: &m {x: 1}\n*m : value\n", 2, "key must be a scalar")]
    [InlineData("a: 1\n---\nb: 2\n", 2, "more than one document")]
    [InlineData("a: \"\\ud800\"\n", 1, "invalid Unicode surrogates")]
    [InlineData("a: [unclosed\n", 2, "not valid")]
    public void Invalid_yaml_is_refused_with_the_yaml_rule_and_its_line(string yaml, int line, string problem)
    {
        var error = Refused(yaml);
        Assert.Equal(("yaml", line), (error.Rule, error.Start.Line));
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void A_scalar_with_an_unpaired_surrogate_is_refused_as_not_being_unicode_text()
    {
        // The parser passes a raw lone surrogate through (only escapes are checked); JSON cannot carry it.
        var error = Refused("a: x\ud800y\n");
        Assert.Equal(("yaml", 1), (error.Rule, error.Start.Line));
        Assert.Contains("unpaired surrogate", error.Message);
        Assert.Equal("""{"a":"\uD83D\uDE00"}""", Json("a: \"\\ud83d\\ude00\"\n"));
    }

    [Fact]
    public void A_key_twice_in_one_mapping_is_refused_but_the_same_key_in_two_mappings_is_not()
    {
        Assert.Equal("""{"a":{"k":1},"b":{"k":2}}""", Json("a: {k: 1}\nb: {k: 2}\n"));

        var error = Refused("a:\n  k: 1\n  k: 2\n");

        Assert.Equal(("duplicate", 3, 3), (error.Rule, error.Start.Line, error.Start.Column));
    }

    [Fact]
    public void A_yaml_only_number_too_large_for_a_double_is_refused_rather_than_written_as_infinity()
    {
        var error = Refused("a: +1e309\n");
        Assert.Equal(("range", 1), (error.Rule, error.Start.Line));
        Assert.Equal("""{"a":"Infinity","b":"1e309"}""", Json("a: Infinity\nb: '1e309'\n"));
    }

    [Fact]
    public void A_scalar_tagged_str_stays_a_string_whatever_it_looks_like() =>
        Assert.Equal("""{"a":"5","b":"true","c":5}""", Json("a: !!str 5\nb: !!str true\nc: 5\n"));

    [Theory]
    [InlineData("a: !!int \"7\"\n")]
    [InlineData("a: !!binary aGk=\n")]
    [InlineData("a: !custom x\n")]
    [InlineData("a: !!set {x}\n")]
    public void A_tag_that_would_need_a_conversion_is_refused_not_ignored(string yaml) =>
        Assert.Equal("yaml", Refused(yaml).Rule);

    [Fact]
    public void A_number_in_json_s_own_spelling_is_kept_exactly_as_written()
    {
        Assert.Equal("""{"a":[1.50,1E2,12345678901234567890123,-0,0.1e-5,1e309],"b":5,"c":0.5}""",
            Json("a: [1.50, 1E2, 12345678901234567890123, -0, 0.1e-5, 1e309]\nb: +5\nc: .5\n"));
    }

    [Fact]
    public void Checking_without_a_writer_applies_the_same_limits()
    {
        BoundedYamlReader.Read("a: &a [1]\nb: *a\n", Defaults, json: null);
        Assert.Equal("maxAliasExpansion", Assert.Throws<YamlLimitException>(() => BoundedYamlReader.Read(YamlAttacks.BillionLaughs, Defaults, json: null)).Rule);
    }
}
