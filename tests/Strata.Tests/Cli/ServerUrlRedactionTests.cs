using Strata.Tests.Infrastructure;

namespace Strata.Tests.Cli;

/// <summary>A <c>--server</c> URL's <c>user:password@</c> never appears in an error message.</summary>
public sealed class ServerUrlRedactionTests
{
    [Fact]
    public async Task An_unreachable_server_with_a_password_in_its_url_is_named_without_it()
    {
        var (code, stdout, stderr) = await StrataProcess.RunAsync("get", "app", "key", "--server", "http://alice:hunter2@127.0.0.1:1/");

        Assert.Equal(6, code);
        Assert.DoesNotContain("hunter2", stdout + stderr);
        Assert.DoesNotContain("alice", stdout + stderr);
        Assert.Contains("cannot reach http://***@127.0.0.1:1/", stderr);
    }

    [Fact]
    public async Task A_server_without_a_scheme_and_with_a_password_is_refused_without_showing_it()
    {
        var (code, stdout, stderr) = await StrataProcess.RunAsync("get", "app", "key", "--server", "alice:hunter2@localhost:5380");

        Assert.Equal(2, code);
        Assert.DoesNotContain("hunter2", stdout + stderr);
        Assert.Contains("'***@localhost:5380' is not an http:// or https:// URL", stderr);
    }
}
