using System.Collections;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Strata.Access;
using Strata.Application;
using Strata.Engine;
using Strata.Security;
using Strata.Storage;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Application;

/// <summary>
/// The application's commands, called as a surface without HTTP (the web UI, say) calls them: composed by
/// <c>AddStrata</c> over a real SQLite file, with a <see cref="Caller"/> and no request.
/// </summary>
public sealed class CommandTests : IAsyncDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly ServiceProvider _services;

    public CommandTests()
    {
        _services = new ServiceCollection().AddLogging()
            .AddStrata(o =>
            {
                o.DataDirectory = _dir.Path;
                o.EnvironmentVariables = new Hashtable { [MasterKey.Variable] = MasterKey.Generate() };
                o.Define(new SettingDefinition { Namespace = "billing", Key = "api_key", Type = SettingType.String, Sensitive = true });
            })
            .BuildServiceProvider();
    }

    private SettingsEngine Engine => _services.GetRequiredService<SettingsEngine>();

    private static Caller Caller(params string[] grants) =>
        new("ui-user", "tok-1", [.. grants.Select(g => Grant.TryParse(g, out _)!)], IPAddress.Loopback, "ui-request-1", "POST", "/ui/settings");

    private static Change Set(string ns, string key, object value) => new(ns, key, "global", JsonSerializer.SerializeToElement(value));

    private Task<IReadOnlyList<AuditRecord>> AuditAsync(string action) => Engine.AuditLog.AuditAsync(new AuditQuery(Action: action));

    [Fact]
    public async Task A_command_runs_for_a_caller_without_an_http_request_and_is_audited_as_that_caller()
    {
        await Engine.StartAsync();

        var result = await _services.GetRequiredService<PutCommand>().RunAsync(Caller("config.write:svc"), Set("svc", "port", 8080), "from the UI");

        Assert.Equal(1, result.Applied.Version);
        Assert.Equal(8080, Engine.Get("svc", "port")!.Value.GetInt32());
        var set = Assert.Single(await AuditAsync("setting.set"));
        Assert.Equal(("ui-user", "127.0.0.1", "ui-request-1"), (set.Actor, set.Client, set.RequestId));
    }

    [Fact]
    public async Task A_patch_touching_a_namespace_the_caller_may_not_write_is_refused_whole_audited_and_stores_nothing()
    {
        await Engine.StartAsync();
        var patch = _services.GetRequiredService<PatchCommand>();

        var refused = await Assert.ThrowsAsync<PermissionDeniedException>(() =>
            patch.RunAsync(Caller("config.write:svc"), [Set("svc", "port", 8080), Set("billing", "plan", "pro")]));

        Assert.Equal((Permission.Write, "billing"), (refused.Permission, refused.Namespace));
        Assert.Null(Engine.Get("svc", "port"));
        var denied = Assert.Single(await AuditAsync("access.denied"));
        Assert.Equal(("ui-user", "billing", "ui-request-1"), (denied.Actor, denied.Namespace, denied.RequestId));
        var detail = JsonSerializer.Deserialize<JsonElement>(denied.Detail!);
        Assert.Equal(("config.write", "missing permission", "POST", "/ui/settings"), (detail.GetProperty("permission").GetString(),
            detail.GetProperty("reason").GetString(), detail.GetProperty("method").GetString(), detail.GetProperty("path").GetString()));
    }

    [Fact]
    public async Task Revealing_a_secret_needs_secrets_reveal_and_each_reveal_is_audited()
    {
        await Engine.StartAsync();
        await _services.GetRequiredService<PutCommand>().RunAsync(Caller("config.write:billing"), Set("billing", "api_key", "sk-live-ui"));
        var reveal = _services.GetRequiredService<RevealCommand>();
        var secret = Engine.Get("billing", "api_key")!;

        await Assert.ThrowsAsync<PermissionDeniedException>(() => reveal.RunAsync(Caller("config.read:billing"), "billing", [secret]));
        Assert.Empty(await AuditAsync("secret.reveal"));
        await reveal.RunAsync(Caller("config.read:billing", "secrets.reveal:billing"), "billing", [secret]);

        var revealed = Assert.Single(await AuditAsync("secret.reveal"));
        Assert.Equal(("billing", "api_key"), (revealed.Namespace, revealed.Key));
        Assert.DoesNotContain("sk-live-ui", revealed.Detail);
    }

    [Fact]
    public async Task Rolling_back_to_a_version_a_key_never_had_is_not_found_and_changes_nothing()
    {
        await Engine.StartAsync();
        await _services.GetRequiredService<PutCommand>().RunAsync(Caller("config.write:svc"), Set("svc", "port", 8080));

        var missing = await Assert.ThrowsAsync<NotFoundException>(() =>
            _services.GetRequiredService<KeyRollbackCommand>().RunAsync(Caller("config.write:svc"), "svc", "port", "global", version: 7));

        Assert.Contains("no version 7", missing.Message, StringComparison.Ordinal);
        Assert.Equal(1, Engine.Current.Revision);
    }

    [Fact]
    public async Task Validating_a_patch_answers_the_errors_its_commit_would_refuse_with_and_commits_nothing()
    {
        await Engine.StartAsync();
        var patch = _services.GetRequiredService<PatchCommand>();
        List<Change> changes = [Set("billing", "api_key", 42), Set("svc", "port", 1), new("svc", "bad key", "global", JsonSerializer.SerializeToElement(1))];

        var errors = patch.Validate(Caller("config.write:*"), changes, new string('c', ChangeSetLimits.MaxCommentLength + 1));
        var refused = await Assert.ThrowsAsync<SettingsValidationException>(() =>
            patch.RunAsync(Caller("config.write:*"), changes, new string('c', ChangeSetLimits.MaxCommentLength + 1)));

        Assert.Equal(refused.Errors, errors);
        Assert.Equal(["billing/api_key", "svc/bad key", "comment"], errors.Select(e => e.Field));
        Assert.Empty(patch.Validate(Caller("config.write:*"), [Set("svc", "port", 1)]));
        Assert.Equal(0, Engine.Current.Revision);
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        _dir.Dispose();
    }
}
