using System.Text.Json;
using Strata.Registry;
using Strata.Validation;

namespace Strata.Tests.Validation;

public sealed class ValueValidatorTests
{
    private static List<ValidationError> Check(SettingDefinition definition, string json)
    {
        var setting = DefinitionRegistry.Compile(definition, null, "test");
        var errors = new List<ValidationError>();
        ValueValidator.Validate(setting, JsonSerializer.Deserialize<JsonElement>(json), "app/x", errors);
        return errors;
    }

    private static SettingDefinition Def(SettingType type) => new() { Namespace = "app", Key = "x", Type = type };

    [Theory]
    [InlineData(SettingType.String, "\"text\"", true)]
    [InlineData(SettingType.String, "12", false)]
    [InlineData(SettingType.Int, "12", true)]
    [InlineData(SettingType.Int, "-9007199254740993", true)]
    [InlineData(SettingType.Int, "1.5", false)]
    [InlineData(SettingType.Int, "\"12\"", false)]
    [InlineData(SettingType.Int, "99999999999999999999", false)]
    [InlineData(SettingType.Float, "1.5", true)]
    [InlineData(SettingType.Float, "true", false)]
    [InlineData(SettingType.Bool, "false", true)]
    [InlineData(SettingType.Bool, "\"true\"", false)]
    [InlineData(SettingType.Bool, "null", false)]
    [InlineData(SettingType.Json, "{\"any\":[1,null]}", true)]
    [InlineData(SettingType.Duration, "\"250ms\"", true)]
    [InlineData(SettingType.Duration, "\"1.5h\"", true)]
    [InlineData(SettingType.Duration, "\"00:00:30\"", true)]
    [InlineData(SettingType.Duration, "\"soon\"", false)]
    [InlineData(SettingType.Duration, "\"-5s\"", false)]
    [InlineData(SettingType.Duration, "30", false)]
    public void Type_rule_accepts_only_values_of_the_declared_type(SettingType type, string json, bool valid)
    {
        var errors = Check(Def(type), json);
        Assert.Equal(valid, errors.Count == 0);
        if (!valid) Assert.Equal("type", errors[0].Rule);
    }

    [Theory]
    [InlineData("0", null)]
    [InlineData("10", null)]
    [InlineData("-1", "min")]
    [InlineData("11", "max")]
    public void Range_rule_bounds_integers_inclusively(string json, string? rule)
    {
        var errors = Check(Def(SettingType.Int) with { Min = 0, Max = 10 }, json);
        Assert.Equal(rule, errors.SingleOrDefault()?.Rule);
    }

    [Fact]
    public void Range_rule_bounds_durations_in_seconds()
    {
        var def = Def(SettingType.Duration) with { Min = 1, Max = 60 };
        Assert.Empty(Check(def, "\"1m\""));
        Assert.Equal("max", Check(def, "\"61s\"").Single().Rule);
        Assert.Equal("min", Check(def, "\"500ms\"").Single().Rule);
    }

    [Fact]
    public void Pattern_rule_must_match_the_whole_string()
    {
        var def = Def(SettingType.String) with { Pattern = "[a-z]+" };
        Assert.Empty(Check(def, "\"abc\""));
        var error = Check(def, "\"abc1\"").Single();
        Assert.Equal("pattern", error.Rule);
        Assert.Contains("[a-z]+", error.Message);
    }

    [Fact]
    public void Allowed_values_rule_names_the_choices()
    {
        var def = Def(SettingType.Enum) with { AllowedValues = ["debug", "info"] };
        Assert.Empty(Check(def, "\"info\""));
        var error = Check(def, "\"INFO\"").Single();
        Assert.Equal("allowedValues", error.Rule);
        Assert.Contains("debug, info", error.Message);
    }

    [Fact]
    public void Max_length_rule_counts_characters()
    {
        var def = Def(SettingType.String) with { MaxLength = 3 };
        Assert.Empty(Check(def, "\"abc\""));
        Assert.Equal("maxLength", Check(def, "\"abcd\"").Single().Rule);
    }

    [Fact]
    public void Custom_validator_runs_after_the_built_in_rules_and_reports_its_reason()
    {
        var def = Def(SettingType.Int) with { Validator = v => v.GetInt64() % 2 == 0 ? null : "must be even" };
        Assert.Empty(Check(def, "4"));
        var error = Check(def, "5").Single();
        Assert.Equal(("custom", "must be even"), (error.Rule, error.Message));
        Assert.Equal("type", Check(def, "\"4\"").Single().Rule);
    }

    [Fact]
    public void Every_failed_rule_is_reported_not_just_the_first()
    {
        var def = Def(SettingType.String) with { MaxLength = 2, Pattern = "[0-9]+" };
        var rules = Check(def, "\"abc\"").Select(e => e.Rule).ToList();
        Assert.Equal(["maxLength", "pattern"], rules);
    }
}
