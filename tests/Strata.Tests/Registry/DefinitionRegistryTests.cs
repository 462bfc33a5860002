using System.Text.Json;
using Strata.Registry;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Registry;

public sealed class DefinitionRegistryTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private const string ValidYaml = """
        namespaces:
          billing:
            strict: true
            description: Spending limits
            settings:
              max_daily_usd:
                type: float
                default: 100
                description: Daily ceiling
                group: Budget Limits
                level: basic
                min: 0
                max: 10000
              mode:
                type: enum
                allowed: [off, soft, hard]
                default: soft
              api_key:
                type: string
                sensitive: true
                restart_required: true
              theme:
                type: string
                default: light
                scopes: [global, user]
              features:
                type: json
                default: {beta: true, list: [1, "2"]}
        """;

    [Fact]
    public void Yaml_file_defines_namespaces_and_settings_with_every_field()
    {
        var registry = DefinitionRegistry.Build([], [], _dir.Write("defs.yaml", ValidYaml));

        Assert.True(registry.IsStrict("billing"));
        Assert.Equal("Spending limits", registry.FindNamespace("BILLING")!.Description);
        var max = registry.Find("billing", "max_daily_usd")!;
        Assert.Equal(SettingType.Float, max.Type);
        Assert.Equal(100, max.YamlDefault!.Value.GetDouble());
        Assert.Null(max.CodeDefault);
        Assert.Equal("Budget Limits", max.Definition.Group);
        Assert.Equal(10000, max.Definition.Max);
        Assert.Equal(["off", "soft", "hard"], registry.Find("billing", "mode")!.Definition.AllowedValues);
        Assert.True(registry.Find("billing", "api_key")!.Sensitive);
        Assert.True(registry.Find("billing", "api_key")!.Definition.RestartRequired);
        Assert.True(registry.Find("billing", "theme")!.AllowsScope("user:alice"));
        Assert.False(registry.Find("billing", "theme")!.AllowsScope("project:1"));
        Assert.Equal("""{"beta":true,"list":[1,"2"]}""", registry.Find("billing", "features")!.YamlDefault!.Value.GetRawText());
    }

    [Fact]
    public void Yaml_default_for_a_code_defined_setting_becomes_its_yaml_layer()
    {
        var code = new SettingDefinition { Namespace = "app", Key = "timeout", Type = SettingType.Duration, Default = "30s" };
        var file = _dir.Write("defs.yaml", "namespaces:\n  app:\n    settings:\n      timeout:\n        default: 45s\n");

        var setting = DefinitionRegistry.Build([], [code], file).Find("app", "timeout")!;

        Assert.Equal("30s", setting.CodeDefault!.Value.GetString());
        Assert.Equal("45s", setting.YamlDefault!.Value.GetString());
    }

    [Theory]
    [InlineData("namespaces:\n  app:\n    settings:\n      x:\n        type: integer\n", 5, "unknown type 'integer'")]
    [InlineData("namespaces:\n  app:\n    settings:\n      x:\n        type: int\n        default: many\n", 6, "'many' is not an integer")]
    [InlineData("namespaces:\n  app:\n    settings:\n      x:\n        type: int\n        colour: red\n", 6, "unknown setting field 'colour'")]
    [InlineData("namespaces:\n  app:\n    settings:\n      x:\n        type: int\n        default: 5\n        max: 3\n", 6, "must be at most 3")]
    [InlineData("namespaces:\n  app:\n    settings:\n      x:\n        type: enum\n", 4, "needs 'allowed' values")]
    [InlineData("namespaces:\n  app:\n    settings:\n      x:\n        type: string\n        pattern: '(['\n", 4, "not a valid regular expression")]
    [InlineData("namespaces:\n  'bad name':\n    settings: {}\n", 2, "not a valid name")]
    [InlineData("namespaces:\n  app:\n    settings:\n      x:\n        type: int\n     bad indent\n", 6, "")]
    public void A_bad_definitions_file_names_the_file_the_line_and_the_problem(string yaml, int line, string problem)
    {
        var file = _dir.Write("bad.yaml", yaml);

        var error = Assert.Throws<DefinitionException>(() => DefinitionRegistry.Build([], [], file));

        Assert.StartsWith($"{file}:{line}:", error.Message);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void A_yaml_entry_may_not_redefine_a_code_definition()
    {
        var code = new SettingDefinition { Namespace = "app", Key = "x", Type = SettingType.Int };
        var file = _dir.Write("defs.yaml", "namespaces:\n  app:\n    settings:\n      x:\n        type: string\n");

        var error = Assert.Throws<DefinitionException>(() => DefinitionRegistry.Build([], [code], file));

        Assert.Contains("is defined in code; the definitions file may only give it a 'default'", error.Message);
    }

    [Fact]
    public void A_missing_definitions_file_stops_start_up()
    {
        var error = Assert.Throws<DefinitionException>(() => DefinitionRegistry.Build([], [], _dir.File("absent.yaml")));
        Assert.Contains("does not exist", error.Message);
    }

    [Fact]
    public void A_code_default_that_breaks_its_own_rules_is_refused()
    {
        var bad = new SettingDefinition { Namespace = "app", Key = "port", Type = SettingType.Int, Default = 70000, Max = 65535 };
        var error = Assert.Throws<DefinitionException>(() => DefinitionRegistry.Build([], [bad], null));
        Assert.Contains("app/port", error.Message);
        Assert.Contains("at most 65535", error.Message);
    }

    [Fact]
    public void The_same_setting_defined_twice_is_refused_whatever_the_case()
    {
        var a = new SettingDefinition { Namespace = "app", Key = "Port", Type = SettingType.Int };
        var b = new SettingDefinition { Namespace = "APP", Key = "port", Type = SettingType.Int };
        Assert.Throws<DefinitionException>(() => DefinitionRegistry.Build([], [a, b], null));
    }

    [Fact]
    public void Custom_validators_in_code_also_check_the_default()
    {
        var even = new SettingDefinition
        {
            Namespace = "app", Key = "even", Type = SettingType.Int, Default = 3,
            Validator = v => v.GetInt32() % 2 == 0 ? null : "must be even",
        };
        var error = Assert.Throws<DefinitionException>(() => DefinitionRegistry.Build([], [even], null));
        Assert.Contains("must be even", error.Message);
    }

    [Fact]
    public void Code_defaults_are_stored_as_json_including_durations_given_as_timespans()
    {
        var registry = DefinitionRegistry.Build([], [
            new SettingDefinition { Namespace = "app", Key = "wait", Type = SettingType.Duration, Default = TimeSpan.FromSeconds(90) },
            new SettingDefinition { Namespace = "app", Key = "tags", Type = SettingType.Json, Default = new[] { "a", "b" } },
        ], null);
        Assert.Equal("00:01:30", registry.Find("app", "wait")!.CodeDefault!.Value.GetString());
        Assert.Equal(JsonValueKind.Array, registry.Find("app", "tags")!.CodeDefault!.Value.ValueKind);
    }
}
