using System.CommandLine;
using System.Text;
using System.Text.Json;

namespace Strata.Cli.Client;

/// <summary><c>strata user</c> and <c>strata session</c>: users who sign in with a password, and signed-in sessions.</summary>
internal static partial class ClientCommands
{
    private static Command Users()
    {
        var name = new Argument<string>("name");
        var grants = new Option<string[]>("--grant") { Description = "permission:pattern, repeatable (e.g. config.read:billing)", Required = true, AllowMultipleArgumentsPerToken = true };
        var fromStdin = PasswordStdinOption();
        var add = new Command("add", "Create a user; the password is asked for (no echo), or read from standard input") { name, grants, fromStdin };
        add.SetAction((r, ct) => Run(r, async client =>
        {
            if (await ReadPasswordAsync(client, r.GetValue(name)!, r.GetValue(fromStdin), ct) is not { } password) return ExitCodes.Usage;
            var body = JsonSerializer.Serialize(new { name = r.GetValue(name), password, grants = r.GetValue(grants) });
            var (answer, code) = await client.SendAsync(HttpMethod.Post, "api/v1/users", body, ct: ct);
            if (answer is not null) await client.Out.WriteLineAsync($"user {r.GetValue(name)} created");
            return code;
        }));
        var usersJson = JsonOption();
        var ls = new Command("ls", "List users (never their passwords)") { usersJson };
        ls.SetAction((r, ct) => Run(r, client => ListAsync(client, r.GetValue(usersJson), "api/v1/users", node => node["users"]!.AsArray().Select(u =>
            $"{u!["name"]}\t{string.Join(",", u["grants"]!.AsArray().Select(g => g!.GetValue<string>()))}\tcreated {u["createdAt"]}\tupdated {u["updatedAt"]}"), ct)));
        var passwdName = new Argument<string>("name");
        var passwdStdin = PasswordStdinOption();
        var passwd = new Command("passwd", "Set a user's password; it is asked for (no echo), or read from standard input") { passwdName, passwdStdin };
        passwd.SetAction((r, ct) => Run(r, async client =>
        {
            if (await ReadPasswordAsync(client, r.GetValue(passwdName)!, r.GetValue(passwdStdin), ct) is not { } password) return ExitCodes.Usage;
            var (answer, code) = await client.SendAsync(HttpMethod.Put, $"api/v1/users/{E(r.GetValue(passwdName))}/password",
                JsonSerializer.Serialize(new { password }), ct: ct);
            if (answer is not null) await client.Out.WriteLineAsync($"password of {r.GetValue(passwdName)} set");
            return code;
        }));
        var removeName = new Argument<string>("name");
        var remove = new Command("remove", "Delete a user; its sessions end at once") { removeName };
        remove.SetAction((r, ct) => Run(r, async client =>
        {
            var (answer, code) = await client.SendAsync(HttpMethod.Delete, $"api/v1/users/{E(r.GetValue(removeName))}", ct: ct);
            if (answer is not null) await client.Out.WriteLineAsync($"user {r.GetValue(removeName)} removed");
            return code;
        }));
        return new Command("user", "Users who sign in with a password (web UI)") { add, ls, passwd, remove };
    }

    private static Command Sessions()
    {
        var sessionsJson = JsonOption();
        var ls = new Command("ls", "List active signed-in sessions") { sessionsJson };
        ls.SetAction((r, ct) => Run(r, client => ListAsync(client, r.GetValue(sessionsJson), "api/v1/sessions", node => node["sessions"]!.AsArray().Select(s =>
            $"{s!["id"]}\t{s["name"]}\t{(s["token"] is { } token ? $"token {token}" : "password")}\tsince {s["createdAt"]}\tseen {s["lastSeenAt"]}" +
            $"\tfrom {s["client"]?.ToString() ?? "-"}\texpires {s["expiresAt"]}"), ct)));
        var id = new Argument<string>("id");
        var revoke = new Command("revoke", "End a session at once (server-side)") { id };
        revoke.SetAction((r, ct) => Run(r, async client =>
        {
            var (answer, code) = await client.SendAsync(HttpMethod.Delete, $"api/v1/sessions/{E(r.GetValue(id))}", ct: ct);
            if (answer is not null) await client.Out.WriteLineAsync($"session {r.GetValue(id)} revoked");
            return code;
        }));
        return new Command("session", "Signed-in sessions") { ls, revoke };
    }

    private static Option<bool> PasswordStdinOption() =>
        new("--password-stdin") { Description = "Read the password from the first line of standard input (for scripts)" };

    /// <summary>
    /// The password, never from an argument: the first line of standard input with <c>--password-stdin</c>, otherwise
    /// asked for twice on the terminal without echo. Null (with the reason on stderr) when there is none to read.
    /// </summary>
    private static async Task<string?> ReadPasswordAsync(StrataClient client, string user, bool fromStdin, CancellationToken ct)
    {
        if (fromStdin)
        {
            var line = await Console.In.ReadLineAsync(ct);
            if (string.IsNullOrEmpty(line))
            {
                await client.Error.WriteLineAsync("strata: --password-stdin read no password from standard input");
                return null;
            }
            return line;
        }
        if (Console.IsInputRedirected)
        {
            await client.Error.WriteLineAsync("strata: standard input is not a terminal to ask for the password on; pipe it in with --password-stdin");
            return null;
        }
        var first = Prompt($"Password for {user}: ");
        var again = Prompt("Again: ");
        if (first == again) return first;
        await client.Error.WriteLineAsync("strata: the two passwords differ; nothing was changed");
        return null;
    }

    private static string Prompt(string prompt)
    {
        Console.Error.Write(prompt);
        var typed = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter) break;
            if (key.Key == ConsoleKey.Backspace)
            {
                if (typed.Length > 0) typed.Length--;
            }
            else if (!char.IsControl(key.KeyChar)) typed.Append(key.KeyChar);
        }
        Console.Error.WriteLine();
        return typed.ToString();
    }
}
