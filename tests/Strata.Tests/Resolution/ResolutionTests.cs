using System.Collections;
using Strata.Naming;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Resolution;

public sealed class ResolutionTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private Task<EngineHarness> StartAsync(Hashtable? env = null, Action<StrataOptions>? more = null)
    {
        var yaml = _dir.Write("defs.yaml", "namespaces:\n  app:\n    settings:\n      level:\n        default: warn\n      limit:\n        type: int\n        default: 5\n        scopes: [global, user, project]\n");
        return EngineHarness.StartAsync(o =>
        {
            o.Define(new SettingDefinition { Namespace = "app", Key = "level", Type = SettingType.String, Default = "error" });
            o.Define(new SettingDefinition { Namespace = "app", Key = "codeonly", Type = SettingType.Bool, Default = true });
            o.DefinitionsFile = yaml;
            more?.Invoke(o);
        }, env);
    }

    [Fact]
    public async Task Each_layer_shadows_the_ones_below_it_override_env_yaml_code()
    {
        await using var h = await StartAsync(new Hashtable { ["STRATA_APP__LEVEL"] = "info" });

        Assert.Equal((SettingLayer.Environment, "info"), (h.Engine.Get("app", "level")!.Source, h.Engine.Get("app", "level")!.As<string>()));
        await h.SetAsync("app", "level", "debug");
        Assert.Equal((SettingLayer.Override, "debug"), (h.Engine.Get("app", "level")!.Source, h.Engine.Get("app", "level")!.As<string>()));
        await h.ResetAsync("app", "level");
        Assert.Equal(SettingLayer.Environment, h.Engine.Get("app", "level")!.Source);
        Assert.Equal(SettingLayer.Code, h.Engine.Get("app", "codeonly")!.Source);
    }

    [Fact]
    public async Task Without_an_environment_variable_the_yaml_default_beats_the_code_default()
    {
        await using var h = await StartAsync();
        var resolved = h.Engine.Get("app", "level")!;
        Assert.Equal((SettingLayer.Yaml, "warn"), (resolved.Source, resolved.As<string>()));
    }

    [Fact]
    public async Task Explain_lists_every_layer_that_has_a_value_most_important_first()
    {
        await using var h = await StartAsync(new Hashtable { ["strata_app__level"] = "info" });
        await h.SetAsync("app", "level", "debug");

        var explained = h.Engine.Get(h.Engine.Current, "app", "level", ScopeChain.GlobalOnly, explain: true)!;

        Assert.Equal([SettingLayer.Override, SettingLayer.Environment, SettingLayer.Yaml, SettingLayer.Code], explained.Layers!.Select(l => l.Layer));
        Assert.Equal(["\"debug\"", "\"info\"", "\"warn\"", "\"error\""], explained.Layers!.Select(l => l.Value.GetRawText()));
        Assert.Equal("strata_app__level", explained.Layers![1].Variable);
    }

    [Fact]
    public async Task The_layer_order_is_configurable()
    {
        await using var h = await StartAsync(new Hashtable { ["STRATA_APP__LEVEL"] = "info" },
            o => o.LayerOrder = [SettingLayer.Environment, SettingLayer.Override, SettingLayer.Yaml, SettingLayer.Code]);
        await h.SetAsync("app", "level", "debug");
        Assert.Equal(SettingLayer.Environment, h.Engine.Get("app", "level")!.Source);
    }

    [Fact]
    public async Task An_environment_value_that_breaks_the_definition_stops_start_up_naming_the_variable()
    {
        var error = await Assert.ThrowsAsync<DefinitionException>(() => StartAsync(new Hashtable { ["STRATA_APP__LIMIT"] = "lots" }));
        Assert.Contains("STRATA_APP__LIMIT", error.Message);
    }

    [Fact]
    public async Task Environment_names_write_dots_and_dashes_as_underscores()
    {
        await using var h = await EngineHarness.StartAsync(o =>
            o.Define(new SettingDefinition { Namespace = "web.front", Key = "max-conn", Type = SettingType.Int }),
            new Hashtable { ["STRATA_WEB_FRONT__MAX_CONN"] = "12" });
        Assert.Equal(12, h.Engine.Get("web.front", "max-conn")!.As<int>());
    }

    [Fact]
    public async Task A_scope_chain_takes_the_most_specific_override_then_falls_back_to_global_and_defaults()
    {
        await using var h = await StartAsync();
        await h.SetAsync("app", "limit", 10);
        await h.SetAsync("app", "limit", 20, "project:42");
        await h.SetAsync("app", "limit", 30, "user:alice");
        var current = h.Engine.Current;

        int Read(string chain) => h.Engine.Get(current, "app", "limit", ScopeChain.TryParse(chain, out _)!)!.As<int>();

        Assert.Equal(30, Read("user:alice,project:42"));
        Assert.Equal(20, Read("user:bob,project:42"));
        Assert.Equal(10, Read("user:bob"));
        var fromAlice = h.Engine.Get(current, "app", "limit", ScopeChain.TryParse("user:alice", out _)!)!;
        Assert.Equal("user:alice", fromAlice.Stored!.Scope);
        await h.ResetAsync("app", "limit");
        Assert.Equal(5, h.Engine.Get("app", "limit")!.As<int>());
    }

    [Fact]
    public async Task A_key_overridden_for_many_scopes_resolves_each_one()
    {
        await using var h = await StartAsync();
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => h.SetAsync("app", "limit", i, $"user:u{i}")));
        await h.SetAsync("app", "limit", 100, "user:u7");

        foreach (var i in Enumerable.Range(0, 40))
        {
            var chain = ScopeChain.TryParse($"user:u{i}", out _)!;
            Assert.Equal(i == 7 ? 100 : i, h.Engine.Get(h.Engine.Current, "app", "limit", chain)!.As<int>());
        }
        Assert.Equal(5, h.Engine.Get("app", "limit")!.As<int>());
        Assert.Equal(2, h.Engine.Current.Find("app", "limit")!.At("USER:u7")!.Version);
    }

    [Fact]
    public async Task A_namespace_read_merges_the_scope_chain_key_by_key()
    {
        await using var h = await StartAsync();
        await h.SetAsync("app", "limit", 30, "user:alice");
        await h.SetAsync("prefs", "theme", "dark", "user:alice");
        await h.SetAsync("prefs", "font", "serif");

        var alice = h.Engine.GetNamespace(h.Engine.Current, "prefs", ScopeChain.TryParse("user:alice", out _)!);
        var global = h.Engine.GetNamespace(h.Engine.Current, "prefs", ScopeChain.GlobalOnly);

        Assert.Equal(["font", "theme"], alice.Select(s => s.Key));
        Assert.Equal(["font"], global.Select(s => s.Key));
    }

    [Fact]
    public async Task Typed_reads_convert_once_and_serve_durations_as_timespans()
    {
        await using var h = await EngineHarness.StartAsync(o => o
            .Define(new SettingDefinition { Namespace = "app", Key = "wait", Type = SettingType.Duration, Default = "1.5s" })
            .Define(new SettingDefinition { Namespace = "app", Key = "ratio", Type = SettingType.Float, Default = 0.25 }));
        var settings = new StrataSettings(h.Engine, Microsoft.Extensions.Logging.Abstractions.NullLogger<StrataSettings>.Instance);

        Assert.Equal(TimeSpan.FromMilliseconds(1500), settings.GetValue<TimeSpan>("app", "wait"));
        Assert.Equal(0.25, settings.GetValue<double>("APP", "RATIO"));
        Assert.False(settings.TryGetValue<int>("app", "missing", out _));
        Assert.Contains("app/missing", Assert.Throws<KeyNotFoundException>(() => settings.GetValue<int>("app", "missing")).Message);
    }
}
