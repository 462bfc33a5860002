using Strata.Storage;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Storage;

/// <summary>The audit log. Every backend runs it (see <see cref="StoreContract{TBackend}"/>).</summary>
public abstract class AuditStoreConformance<TBackend> : StoreContract<TBackend> where TBackend : StoreBackend, new()
{
    private static AuditRecord Event(long at, string actor, string action, string? ns = null, string? key = null) =>
        new(0, at, actor, action, "ok", ns, key, "global", "127.0.0.1", "req-" + at, "{\"n\":" + at + "}");

    private async Task WriteAsync(params AuditRecord[] events) => await Store.CommitAsync([], events);

    [Fact]
    public async Task Events_come_back_newest_first_with_every_field_and_increasing_ids()
    {
        await WriteAsync(Event(1_000, "alice", "setting.set", "app", "a"), Event(1_000, "bob", "token.create"));
        await WriteAsync(Event(2_000, "alice", "setting.reset", "app", "b"));

        var all = await Store.AuditAsync(new AuditQuery());

        Assert.Equal(["setting.reset", "token.create", "setting.set"], all.Select(a => a.Action));
        Assert.True(all[0].Id > all[1].Id && all[1].Id > all[2].Id);
        var last = all[0];
        Assert.Equal((2_000L, "alice", "ok", "app", "b", "global", "127.0.0.1", "req-2000", "{\"n\":2000}"),
            (last.At, last.Actor, last.Outcome, last.Namespace, last.Key, last.Scope, last.Client, last.RequestId, last.Detail));
    }

    [Fact]
    public async Task Filters_combine_and_pages_follow_the_id_cursor()
    {
        for (var i = 1; i <= 30; i++)
            await WriteAsync(Event(i * 100, i % 2 == 0 ? "alice" : "bob", i % 3 == 0 ? "setting.reset" : "setting.set", i % 5 == 0 ? "other" : "app", $"k{i}"));

        var alice = await Store.AuditAsync(new AuditQuery(Actor: "alice", Action: "setting.set", Namespace: "app"));
        Assert.Equal(Enumerable.Range(1, 30).Where(i => i % 2 == 0 && i % 3 != 0 && i % 5 != 0).Reverse().Select(i => $"k{i}"), alice.Select(a => a.Key));
        Assert.Equal("k7", Assert.Single(await Store.AuditAsync(new AuditQuery(Key: "k7"))).Key);
        Assert.Equal([1_000L, 900L, 800L], (await Store.AuditAsync(new AuditQuery(From: 800, To: 1_000))).Select(a => a.At));

        var page1 = await Store.AuditAsync(new AuditQuery(Limit: 12));
        var page2 = await Store.AuditAsync(new AuditQuery(Limit: 12, BeforeId: page1[^1].Id));
        var page3 = await Store.AuditAsync(new AuditQuery(Limit: 12, BeforeId: page2[^1].Id));
        Assert.Equal(Enumerable.Range(1, 30).Reverse().Select(i => $"k{i}"), page1.Concat(page2).Concat(page3).Select(a => a.Key));
    }

    [Fact]
    public async Task Old_events_are_counted_and_deleted_but_never_the_newest()
    {
        await WriteAsync(Event(100, "a", "x"), Event(200, "a", "x"));
        await WriteAsync(Event(300, "a", "x"));

        Assert.Equal((0L, 0L), await Store.AuditBeforeAsync(100));
        var (through, count) = await Store.AuditBeforeAsync(300);
        Assert.Equal(2, count);
        Assert.Equal(2, await Store.DeleteAuditThroughAsync(through));
        Assert.Equal([300L], (await Store.AuditAsync(new AuditQuery())).Select(a => a.At));

        var newest = (await Store.AuditAsync(new AuditQuery())).Single().Id;
        Assert.Equal(0, await Store.DeleteAuditThroughAsync(newest));
        await WriteAsync(Event(400, "a", "x"));
        Assert.True((await Store.AuditAsync(new AuditQuery())).First().Id > newest);
    }
}
