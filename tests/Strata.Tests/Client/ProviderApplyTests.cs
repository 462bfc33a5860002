using System.Text.Json;
using Microsoft.Extensions.Primitives;
using NSec.Cryptography;
using Strata.Client;
using Strata.Client.Contracts;
using Strata.Client.Internal;

namespace Strata.Tests.Client;

/// <summary>How the provider applies verified documents, driven directly (no server, never loaded): order, removal, masking.</summary>
public sealed class ProviderApplyTests : IDisposable
{
    private readonly StrataConfigurationProvider _provider;
    private int _reloads;

    public ProviderApplyTests()
    {
        _provider = new StrataConfigurationProvider(new StrataClientOptions
        {
            Server = new Uri("http://127.0.0.1:1"),
            Namespaces = ["checkout"],
            SigningKey = Convert.ToBase64String(Key.Create(SignatureAlgorithm.Ed25519).PublicKey.Export(KeyBlobFormat.RawPublicKey)),
        });
        // Not in a ConfigurationRoot, which would Load() it: these tests feed it documents themselves.
        ChangeToken.OnChange(_provider.GetReloadToken, () => _reloads++);
        _provider.ApplySnapshot(new SnapshotDocument(10, DateTimeOffset.UtcNow, ["checkout"], ["global"],
        [
            Setting("max_items", "50"),
            Setting("limits", """{"rps": 10, "hosts": ["a", "b"]}"""),
            Setting("db_password", "\"********\"", masked: true),
        ], "sig"));
        _reloads = 0;
    }

    public void Dispose() => _provider.Dispose();

    private static SnapshotSetting Setting(string key, string json, bool masked = false) =>
        new("checkout", key, JsonDocument.Parse(json).RootElement, "override", "global", 1, masked, masked);

    private static ChangeEntry Entry(string key, string? json, bool removed = false, bool masked = false) =>
        new("checkout", key, "global", 2, json is null ? default : JsonDocument.Parse(json).RootElement, json is null ? null : "override", removed, masked);

    private string? Get(string key) => _provider.TryGet(key, out var value) ? value : null;

    private static readonly WatchViewDocument OwnView = new(["checkout"], null, ["global"]);

    private bool Apply(long revision, params ChangeEntry[] entries) => Apply(revision, OwnView, entries);

    private bool Apply(long revision, WatchViewDocument? view, params ChangeEntry[] entries) =>
        _provider.ApplyChange(new ChangeEvent(revision, DateTimeOffset.UtcNow, "token:test", entries, "sig", view));

    [Fact]
    public void A_signed_snapshot_for_other_namespaces_or_scopes_than_asked_is_not_applied()
    {
        Assert.Throws<StrataServerException>(() => _provider.ApplySnapshot(new SnapshotDocument(20, DateTimeOffset.UtcNow, ["other"], ["global"], [Setting("max_items", "1")], "sig")));
        Assert.Throws<StrataServerException>(() => _provider.ApplySnapshot(new SnapshotDocument(20, DateTimeOffset.UtcNow, ["checkout"], ["user:eve", "global"], [Setting("max_items", "1")], "sig")));
        Assert.Equal(("50", 10L), (Get("checkout:max_items"), _provider.Status.Revision));
    }

    [Fact]
    public void A_signed_event_of_another_view_is_not_applied()
    {
        foreach (var view in new WatchViewDocument?[] { null, new(["other"], null, ["global"]), new(["checkout"], ["max_items"], ["global"]),
                     new(["checkout"], null, ["user:eve", "global"]) })
            Assert.Throws<StrataServerException>(() => Apply(11, view, Entry("max_items", "1")));
        Assert.Equal(("50", 10L), (Get("checkout:max_items"), _provider.Status.Revision));
    }

    [Fact]
    public void A_change_callback_that_throws_does_not_stop_the_next_revision_from_applying()
    {
        using var _ = ChangeToken.OnChange(_provider.GetReloadToken, () => throw new InvalidOperationException("the app's bug"));
        Assert.True(Apply(11, Entry("max_items", "51")));
        Assert.True(Apply(12, Entry("max_items", "52")));
        Assert.Equal(("52", 12L), (Get("checkout:max_items"), _provider.Status.Revision));
    }

    [Fact]
    public void A_masked_value_is_left_out_rather_than_served_as_stars()
    {
        Assert.Null(Get("checkout:db_password"));
        Assert.DoesNotContain(_provider.GetChildKeys([], "checkout"), k => k == "db_password");
    }

    [Fact]
    public void An_event_at_or_before_the_applied_revision_is_ignored_and_fires_no_reload()
    {
        Assert.False(Apply(10, Entry("max_items", "1")));
        Assert.False(Apply(3, Entry("max_items", "2")));

        Assert.Equal("50", Get("checkout:max_items"));
        Assert.Equal(0, _reloads);
        Assert.Equal(10, _provider.Status.Revision);
    }

    [Fact]
    public void Each_applied_event_fires_one_reload_and_moves_the_revision()
    {
        Assert.True(Apply(11, Entry("max_items", "51"), Entry("banner", "\"hi\"")));
        Assert.True(Apply(15, Entry("max_items", "52")));

        Assert.Equal(("52", "hi"), (Get("checkout:max_items"), Get("checkout:banner")));
        Assert.Equal(2, _reloads);
        Assert.Equal(15, _provider.Status.Revision);
    }

    [Fact]
    public void A_removed_key_takes_its_flattened_children_with_it()
    {
        Assert.True(Apply(11, Entry("limits", null, removed: true)));

        Assert.Null(Get("checkout:limits:rps"));
        Assert.Empty(_provider.GetChildKeys([], "checkout:limits"));
        Assert.Equal("50", Get("checkout:max_items"));
    }

    [Fact]
    public void A_value_that_becomes_masked_leaves_configuration()
    {
        Assert.True(Apply(11, Entry("max_items", "\"********\"", masked: true)));

        Assert.Null(Get("checkout:max_items"));
    }
}
