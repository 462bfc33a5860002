using Strata.Tests.Infrastructure;

namespace Strata.Tests.Cli;

/// <summary><c>unset</c> says whether it removed an override, from the DELETE answer's <c>reset</c> field.</summary>
public sealed class UnsetTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(o => o
        .Define(new SettingDefinition { Namespace = "svc", Key = "port", Type = SettingType.Int, Default = 8080, Scopes = ["global", "user"] }));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Task<(int ExitCode, string Out, string Err)> Strata(params string[] args) =>
        StrataProcess.RunAsync([.. args, "--server", _server.Address.ToString()]);

    [Fact]
    public async Task Unset_of_an_override_says_reset_with_its_version_and_revision()
    {
        await Strata("set", "svc", "port", "9090");
        var (code, stdout, _) = await Strata("unset", "svc", "port");
        Assert.Equal(0, code);
        Assert.Equal("svc/port@global reset (version 2, revision 2)", stdout.Trim());
    }

    [Fact]
    public async Task Unset_without_an_override_says_nothing_changed()
    {
        await Strata("set", "svc", "port", "9090");
        var (code, stdout, _) = await Strata("unset", "svc", "port", "--scope", "user:alice");
        Assert.Equal(0, code);
        Assert.Equal("svc/port has no override at scope user:alice; nothing changed", stdout.Trim());
        Assert.Equal(1, await _server.RevisionAsync());
    }
}
