using Strata.Engine;

namespace Strata.Tests.Engine;

public sealed class KeyIndexTests
{
    private static KeyState State(string key, int value, long revision) =>
        new("ns", key, [new StoredValue("global", value.ToString(System.Globalization.CultureInfo.InvariantCulture), 1, 0, 0, revision)]);

    [Fact]
    public async Task Changes_made_while_a_background_merge_runs_are_kept_when_it_is_swapped_in()
    {
        var index = KeyIndex.From(Enumerable.Range(0, 800).Select(i => State($"k{i}", i, 1)));
        var revision = 1L;
        // An eighth of the base (100 keys) may wait in the overlay; the next change starts a merge.
        for (var i = 0; i < 101; i++) index = index.With([State($"k{i}", -i, ++revision)]);
        var merge = Assert.IsAssignableFrom<Task>(index.PendingMerge);

        // Changes while it runs: an update of a key the merge already holds, and a key it has never seen.
        index = index.With([State("k3", 3333, ++revision), State("new", 42, revision)]);
        await merge;
        index = index.With([State("k700", 7000, ++revision)]);

        Assert.Null(index.PendingMerge);
        Assert.Equal(801, index.Count);
        Assert.Equal(801, index.All.Select(s => s.Key).Distinct().Count());
        Assert.Equal("3333", index.Find("k3")!.At("global")!.Json);
        Assert.Equal("42", index.Find("NEW")!.At("global")!.Json);
        Assert.Equal("7000", index.Find("k700")!.At("global")!.Json);
        Assert.Equal("-50", index.Find("k50")!.At("global")!.Json);
        Assert.Equal("799", index.Find("k799")!.At("global")!.Json);
    }

    [Fact]
    public void ChangedSince_names_the_keys_changed_since_an_earlier_index_of_the_same_line()
    {
        var earlier = KeyIndex.From(Enumerable.Range(0, 800).Select(i => State($"k{i}", i, 1)));
        var later = earlier.With([State("k1", 10, 2)]).With([State("new", 11, 3)]);

        Assert.Equal(["k1", "new"], later.ChangedSince(earlier)!.Select(s => s.Key).Order());
        Assert.Empty(earlier.ChangedSince(earlier)!);
        Assert.Null(later.ChangedSince(KeyIndex.From([State("k1", 10, 2)])));
    }

    [Fact]
    public void ChangedSince_gives_no_answer_for_two_namespaces_started_from_empty()
    {
        var a = KeyIndex.Empty.With([State("x", 1, 1)]);
        var b = KeyIndex.Empty.With([State("y", 2, 2)]);

        Assert.Null(b.ChangedSince(a));
        Assert.NotNull(a.With([State("x", 3, 3)]).ChangedSince(a));
    }

    [Fact]
    public async Task ChangedSince_gives_no_answer_across_a_merge_that_took_changes_into_the_base()
    {
        var start = KeyIndex.From(Enumerable.Range(0, 800).Select(i => State($"k{i}", i, 1)));
        var index = start;
        var revision = 1L;
        for (var i = 0; i < 101; i++) index = index.With([State($"k{i}", -i, ++revision)]);
        var mergeStart = index;
        await Assert.IsAssignableFrom<Task>(index.PendingMerge);
        index = index.With([State("k700", 7000, ++revision)]);

        Assert.Null(index.PendingMerge);
        Assert.Null(index.ChangedSince(start));
        Assert.Equal(["k700"], index.ChangedSince(mergeStart)!.Select(s => s.Key));
    }
}
