using System.Net;
using System.Net.Http.Json;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Cli;

/// <summary><c>strata user</c> and <c>strata session</c> against a real server, run as the real executable.</summary>
public sealed class UserCommandTests
{
    private const string Admin = "cli-user-admin-token-0123456789abcdef";

    [Fact]
    public async Task Users_are_added_listed_given_a_new_password_and_removed_from_the_command_line()
    {
        await using var server = await TestServer.StartAsync(o => o.EnvironmentVariables!["STRATA_ADMIN_TOKEN"] = Admin, anonymousGrants: []);
        string[] auth = ["--server", server.Address.ToString(), "--token", Admin];

        var added = await StrataProcess.RunWithInputAsync("first password 1\n", ["user", "add", "alice", "--grant", "config.read:billing", "--password-stdin", .. auth]);
        Assert.Equal((0, "user alice created"), (added.ExitCode, added.Out.Trim()));
        var list = await StrataProcess.RunAsync(["user", "ls", .. auth]);
        Assert.StartsWith("alice\tconfig.read:billing\tcreated ", list.Out);
        Assert.DoesNotContain("first password", list.Out + list.Err);
        Assert.Equal(HttpStatusCode.Created, (await SignInAsync(server, "first password 1")).StatusCode);

        var passwd = await StrataProcess.RunWithInputAsync("second password 2\n", ["user", "passwd", "alice", "--password-stdin", .. auth]);
        Assert.Equal(0, passwd.ExitCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(server, "first password 1")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await SignInAsync(server, "second password 2")).StatusCode);

        var sessions = await StrataProcess.RunAsync(["session", "ls", .. auth]);
        var id = sessions.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).First().Split('\t')[0];
        Assert.Contains("\talice\tpassword\t", sessions.Out);
        Assert.Equal(0, (await StrataProcess.RunAsync(["session", "revoke", id, .. auth])).ExitCode);
        Assert.DoesNotContain(id, (await StrataProcess.RunAsync(["session", "ls", .. auth])).Out);

        Assert.Equal(0, (await StrataProcess.RunAsync(["user", "remove", "alice", .. auth])).ExitCode);
        Assert.Equal("", (await StrataProcess.RunAsync(["user", "ls", .. auth])).Out.Trim());
        Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(server, "second password 2")).StatusCode);
        Assert.NotEqual(0, (await StrataProcess.RunAsync(["user", "remove", "alice", .. auth])).ExitCode);
    }

    [Fact]
    public async Task Without_a_terminal_or_password_stdin_no_user_is_created_and_a_password_is_never_an_argument()
    {
        await using var server = await TestServer.StartAsync(o => o.EnvironmentVariables!["STRATA_ADMIN_TOKEN"] = Admin, anonymousGrants: []);
        string[] auth = ["--server", server.Address.ToString(), "--token", Admin];

        var noTerminal = await StrataProcess.RunAsync(["user", "add", "alice", "--grant", "config.read:*", .. auth]);
        var asArgument = await StrataProcess.RunAsync(["user", "add", "alice", "--grant", "config.read:*", "--password", "hunter22hunter22", .. auth]);
        var tooShort = await StrataProcess.RunWithInputAsync("short\n", ["user", "add", "alice", "--grant", "config.read:*", "--password-stdin", .. auth]);

        Assert.Equal(2, noTerminal.ExitCode);
        Assert.Contains("--password-stdin", noTerminal.Err);
        Assert.NotEqual(0, asArgument.ExitCode);
        Assert.NotEqual(0, tooShort.ExitCode);
        Assert.DoesNotContain("short", tooShort.Out + tooShort.Err);
        Assert.Equal("", (await StrataProcess.RunAsync(["user", "ls", .. auth])).Out.Trim());
    }

    private static async Task<HttpResponseMessage> SignInAsync(TestServer server, string password)
    {
        using var http = server.CreateUncheckedClient();
        return await http.PostAsync("api/v1/sessions", JsonContent.Create(new { user = "alice", password }));
    }
}
