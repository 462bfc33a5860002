using System.Collections;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Strata.Access;
using Strata.Application;
using Strata.Engine;
using Strata.Search;
using Strata.Security;
using Strata.Storage;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Search;

/// <summary>The search service as the web UI calls it: composed by <c>AddStrata</c> over a real SQLite file, with a <see cref="Caller"/>.</summary>
public sealed class SettingsSearchTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        _services = new ServiceCollection().AddLogging()
            .AddStrata(o =>
            {
                o.DataDirectory = _dir.Path;
                o.EnvironmentVariables = new Hashtable { [MasterKey.Variable] = MasterKey.Generate() };
                Define(o, "shop", "timeout", "Seconds before a request is dropped.", "Network");
                Define(o, "shop", "timeout_ms", "The same in milliseconds.", "Network");
                Define(o, "shop", "read_timeout", "Socket reads.", "Network");
                Define(o, "shop", "grouped", "Nothing to see.", "Timeout tuning");
                Define(o, "shop", "described", "Waits this long, then gives up with a timeout.", "Misc");
                Define(o, "shop", "currency", "Charged in this currency.", "Payments", "EUR");
                o.Define(new SettingDefinition { Namespace = "shop", Key = "api_key", Type = SettingType.String, Sensitive = true,
                    Description = "The payment provider's key.", Group = "Payments" });
            })
            .BuildServiceProvider();
        await Engine.StartAsync();
        await CommitAsync(("shop", "api_key", "hunter2-timeout-secret"), ("shop", "fallback", "timeout then retry"), ("shop", "city", "Zürich"));
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        _dir.Dispose();
    }

    private SettingsEngine Engine => _services.GetRequiredService<SettingsEngine>();

    private SettingsSearch Search => _services.GetRequiredService<SettingsSearch>();

    private static void Define(StrataOptions o, string ns, string key, string description, string group, string? value = null) =>
        o.Define(new SettingDefinition { Namespace = ns, Key = key, Type = SettingType.String, Description = description, Group = group, Default = value });

    private static Caller Reader(params string[] patterns) =>
        new("reader", "tok-1", [.. patterns.Select(p => new Grant(Permission.Read, p))], IPAddress.Loopback, "req-1", "GET", "/search");

    private Task CommitAsync(params (string Ns, string Key, object Value)[] values) =>
        Engine.CommitAsync(new ChangeSet([.. values.Select(v => new Change(v.Ns, v.Key, "global", JsonSerializer.SerializeToElement(v.Value)))], "test"));

    private static string[] Keys(SearchResults results) => [.. results.Results.Select(r => r.Key)];

    [Fact]
    public void Results_rank_exact_key_then_key_prefix_then_key_contains_then_group_or_description_then_value()
    {
        var results = Search.Run(Reader("*"), "timeout");

        Assert.Equal(["timeout", "timeout_ms", "read_timeout", "grouped", "described", "fallback"], Keys(results));
        Assert.Equal([SearchField.Key, SearchField.Key, SearchField.Key, SearchField.Group, SearchField.Description, SearchField.Value],
            results.Results.Select(r => r.Matched));
        Assert.Equal(6, results.Total);
    }

    [Fact]
    public void Several_words_must_all_match_each_in_any_field()
    {
        var results = Search.Run(Reader("*"), "timeout   network  SOCKET");

        var found = Assert.Single(results.Results);
        Assert.Equal("read_timeout", found.Key);
        Assert.Equal(SearchField.Key | SearchField.Group | SearchField.Description, found.Matched);
        Assert.Equal(["fallback"], Keys(Search.Run(Reader("*"), "retry timeout")));
        Assert.Empty(Search.Run(Reader("*"), "timeout payments").Results);
    }

    [Fact]
    public void Matching_ignores_case_in_keys_descriptions_and_non_ascii_values()
    {
        Assert.Equal("timeout", Search.Run(Reader("*"), "TimeOut").Results[0].Key);
        Assert.Equal(["described"], Keys(Search.Run(Reader("*"), "GIVES UP")));
        Assert.Equal(["city"], Keys(Search.Run(Reader("*"), "zürich")));
        Assert.Equal(["city"], Keys(Search.Run(Reader("*"), "ZÜRICH")));
    }

    [Fact]
    public void A_sensitive_value_is_never_matched_nor_its_mask_and_is_only_shown_masked()
    {
        Assert.Empty(Search.Run(Reader("*"), "hunter2").Results);
        Assert.Empty(Search.Run(Reader("*"), "secret").Results);
        Assert.Empty(Search.Run(Reader("*"), "********").Results);
        Assert.Empty(Search.Run(Reader("*"), "***").Results);

        var byKey = Assert.Single(Search.Run(Reader("*"), "api_key").Results);
        Assert.True(byKey.Sensitive);
        Assert.Equal(SearchField.Key, byKey.Matched);
        Assert.Equal("********", byKey.DisplayValue);
        Assert.DoesNotContain("timeout-secret", Keys(Search.Run(Reader("*"), "timeout")));
    }

    [Fact]
    public async Task Defined_keys_and_overrides_without_a_definition_are_found_in_every_namespace_the_caller_may_read()
    {
        await CommitAsync(("other", "timeout_budget", 30));

        var all = Search.Run(Reader("*"), "timeout");
        var shopOnly = Search.Run(Reader("shop"), "timeout");
        var otherOnly = Search.Run(Reader("other"), "timeout");

        Assert.Contains(all.Results, r => (r.Namespace, r.Key, r.Definition) == ("other", "timeout_budget", null));
        Assert.Contains(all.Results, r => (r.Namespace, r.Key) == ("shop", "timeout") && r.Definition is not null);
        Assert.DoesNotContain(shopOnly.Results, r => r.Namespace == "other");
        Assert.Equal([("other", "timeout_budget")], otherOnly.Results.Select(r => (r.Namespace, r.Key)));
        Assert.Equal((7, 6, 1), (all.Total, shopOnly.Total, otherOnly.Total));
        Assert.Empty(Search.Run(Reader("nowhere"), "timeout").Results);
    }

    [Fact]
    public async Task A_namespace_name_matches_and_a_key_stored_only_at_another_scope_is_found_without_a_value()
    {
        await Engine.CommitAsync(new ChangeSet([new Change("prefs", "theme", "user:alice", JsonSerializer.SerializeToElement("dark"))], "test"));

        var found = Assert.Single(Search.Run(Reader("*"), "prefs theme").Results);

        Assert.Equal(SearchField.Key | SearchField.Namespace, found.Matched);
        Assert.Null(found.Setting);
    }

    [Fact]
    public async Task A_committed_key_is_found_by_the_next_search_and_a_changed_value_by_its_new_text()
    {
        Assert.Empty(Search.Run(Reader("*"), "brand_new").Results);

        await CommitAsync(("shop", "brand_new", "first-text"));
        var created = Search.Run(Reader("*"), "brand_new");
        await CommitAsync(("shop", "brand_new", "second-text"));

        Assert.Equal(["brand_new"], Keys(created));
        Assert.Equal(Engine.Current.Revision - 1, created.Revision);
        Assert.Empty(Search.Run(Reader("*"), "first-text").Results);
        Assert.Equal(["brand_new"], Keys(Search.Run(Reader("*"), "second-text")));
    }

    [Fact]
    public async Task The_limit_keeps_the_best_results_and_the_total_counts_every_match()
    {
        await CommitAsync([.. Enumerable.Range(0, 260).Select(i => ("bulk", $"item{i:000}", (object)i))]);

        var five = Search.Run(Reader("*"), "item", limit: 5);
        var byDefault = Search.Run(Reader("*"), "item");
        var most = Search.Run(Reader("*"), "item", limit: SearchQuery.MaxLimit);

        Assert.Equal(["item000", "item001", "item002", "item003", "item004"], Keys(five));
        Assert.Equal((260, 5), (five.Total, five.Limit));
        Assert.Equal((260, SearchQuery.DefaultLimit), (byDefault.Total, byDefault.Results.Count));
        Assert.Equal(SearchQuery.MaxLimit, most.Results.Count);
        Assert.Equal(Keys(most).Order(StringComparer.OrdinalIgnoreCase), Keys(most));
    }

    [Theory]
    [InlineData(null, 50, "q", "required")]
    [InlineData("   ", 50, "q", "required")]
    [InlineData("timeout", 0, "limit", "range")]
    [InlineData("timeout", 201, "limit", "range")]
    [InlineData("a b c d e f g h i j k", 50, "q", "maxItems")]
    public void A_bad_query_or_limit_is_refused_with_the_rule_it_breaks(string? query, int limit, string field, string rule)
    {
        var e = Assert.Throws<SettingsValidationException>(() => Search.Run(Reader("*"), query, limit));

        Assert.Equal((field, rule), (e.Errors[0].Field, e.Errors[0].Rule));
    }

    [Fact]
    public void A_query_of_200_characters_is_taken_and_a_longer_one_refused()
    {
        var e = Assert.Throws<SettingsValidationException>(() => Search.Run(Reader("*"), new string('x', 201)));

        Assert.Equal(("q", "maxLength"), (e.Errors[0].Field, e.Errors[0].Rule));
        Assert.Equal("timeout_ms", Search.Run(Reader("*"), "timeout_ms".PadRight(SearchQuery.MaxLength)).Results[0].Key);
    }

    [Fact]
    public async Task The_index_follows_a_namespace_whose_overlay_was_merged_since_the_last_search()
    {
        await CommitAsync([.. Enumerable.Range(0, 600).Select(i => ("bulk", $"k{i:000}", (object)"v1"))]);
        await PendingMergeAsync("bulk");
        await CommitAsync(("bulk", "k599", "v3"));
        Assert.Equal(599, Search.Run(Reader("*"), "v1").Total);

        // More changes than an eighth of the namespace: they are merged into its base, out of the overlay the
        // next search would otherwise read.
        await CommitAsync([.. Enumerable.Range(0, 80).Select(i => ("bulk", $"k{i:000}", (object)"v2"))]);
        await PendingMergeAsync("bulk");
        await CommitAsync(("bulk", "k598", "v3"));

        Assert.Equal((518, 80, 2), (Search.Run(Reader("*"), "v1").Total, Search.Run(Reader("*"), "v2").Total, Search.Run(Reader("*"), "v3").Total));
    }

    [Fact]
    public async Task After_a_reload_the_index_holds_what_the_store_holds()
    {
        await CommitAsync(("shop", "ephemeral", "temp-value"));
        Assert.Equal(1, Search.Run(Reader("*"), "temp-value").Total);
        var revision = Engine.Current.Revision;
        var stored = Engine.Current.Find("shop", "ephemeral")!.At("global")!;

        // Written behind the engine's back, as a restore would: the key reset, another one created.
        await Engine.Log.CommitAsync([
            new ChangeRecord(revision + 1, "shop", "ephemeral", "global", 2, stored.Json, null, "restore", stored.UpdatedAt + 1, null, stored.Revision, stored.CreatedAt),
            new ChangeRecord(revision + 1, "shop", "restored", "global", 1, null, "\"from-outside\"", "restore", stored.UpdatedAt + 1, null, 0, stored.UpdatedAt + 1)]);
        await Engine.ReloadAsync("test");

        Assert.Equal(0, Search.Run(Reader("*"), "temp-value").Total);
        Assert.Equal(["restored"], Keys(Search.Run(Reader("*"), "from-outside")));
    }

    [Theory]
    [InlineData("nothing-matches-this")]
    [InlineData("value")]
    public async Task A_search_allocates_nothing_per_setting_it_scans_or_matches(string words)
    {
        const int settings = 5_000;
        await CommitAsync([.. Enumerable.Range(0, settings).Select(i => ($"ns{i % 10}", $"key{i}", (object)$"value {i}"))]);
        var caller = Reader("*");
        var query = SearchQuery.Parse(words);
        Search.Run(caller, query);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10; i++) Search.Run(caller, query);
        var perSearch = (GC.GetAllocatedBytesForCurrentThread() - before) / 10;

        // The query's own objects (the kept hits, the results) only: less than a byte and a half per setting
        // scanned, where one boxed comparison per match was 24 bytes.
        Assert.InRange(perSearch, 1, settings * 3 / 2);
    }

    private Task PendingMergeAsync(string ns) => Engine.Current.Namespace(ns)!.PendingMerge ?? Task.CompletedTask;
}
