using Strata.Registry;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Transfer;

/// <summary>The definitions file is read within the same YAML limits as an import, and within a file size limit.</summary>
public sealed class DefinitionsFileLimitTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_definitions_file_with_anchors_and_aliases_still_loads_with_the_shared_values()
    {
        var file = _dir.Write("defs.yaml", """
            namespaces:
              app:
                settings:
                  retries:
                    type: int
                    scopes: &scopes [global, user]
                  layout:
                    type: json
                    default: &layout {columns: 3, tags: [a, b]}
                    scopes: *scopes
                  backup_layout:
                    type: json
                    default: *layout
            """);

        var registry = DefinitionRegistry.Build([], [], file);

        Assert.Equal(["global", "user"], registry.Find("app", "layout")!.Definition.Scopes);
        Assert.Equal("""{"columns":3,"tags":["a","b"]}""", registry.Find("app", "backup_layout")!.YamlDefault!.Value.GetRawText());
    }

    [Fact]
    public void A_definitions_file_over_the_size_limit_is_refused_before_it_is_parsed()
    {
        var file = _dir.Write("big.yaml", "namespaces: {}\n" + new string('#', (int)YamlDefinitionLoader.MaxFileBytes));

        var error = Assert.Throws<DefinitionException>(() => DefinitionRegistry.Build([], [], file));

        Assert.Equal($"{file}: the definitions file is larger than the limit of 4 MiB.", error.Message);
    }

    [Fact]
    public void A_definitions_file_over_a_yaml_limit_names_the_file_line_column_and_limit()
    {
        var file = _dir.Write("deep.yaml", "namespaces:\n  app:\n    settings:\n      x:\n        type: json\n        default: " + new string('[', 40) + new string(']', 40) + "\n");

        var error = Assert.Throws<DefinitionException>(() => DefinitionRegistry.Build([], [], file));

        // Five levels of definitions above the default: its 28th bracket is the 33rd level.
        Assert.Equal($"{file}:6:45: The YAML is nested deeper than the limit of 32 levels.", error.Message);
    }

    [Theory]
    [InlineData("type: json\n        default: {big: +1e309}\n", "The number +1e309 is out of range")]
    [InlineData("type: float\n        default: 1e309\n", "'1e309' is not a number")]
    [InlineData("type: float\n        max: -1e309\n", "'-1e309' is not a number")]
    public void A_number_too_large_for_a_double_in_a_definitions_file_names_its_line(string fields, string problem)
    {
        var file = _dir.Write("range.yaml", "namespaces:\n  app:\n    settings:\n      x:\n        " + fields);

        var error = Assert.Throws<DefinitionException>(() => DefinitionRegistry.Build([], [], file));

        Assert.StartsWith($"{file}:6:", error.Message);
        Assert.Contains(problem, error.Message);
    }
}
