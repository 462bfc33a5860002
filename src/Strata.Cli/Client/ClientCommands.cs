using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Strata.Cli.Client;

/// <summary>The operator commands: each one HTTP call (or two) to a running server.</summary>
internal static partial class ClientCommands
{
    // Output is for people and scripts, not for embedding in HTML: '+', '<' or 'é' are printed as themselves.
    private static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public const string ServerVariable = "STRATA_SERVER";
    public const string TokenVariable = "STRATA_TOKEN";
    public const string DefaultServer = "http://localhost:5380";

    // No default value factories: help prints defaults, and the environment's token must never reach a screen or a
    // CI log. The environment is read when a command runs. Only client commands carry these options, not serve.
    public static readonly Option<string?> Server = new("--server")
    {
        Description = $"Server URL; default {ServerVariable}, else {DefaultServer}",
        Recursive = true,
    };

    public static readonly Option<string?> Token = new("--token")
    {
        Description = $"API token; default {TokenVariable}",
        Recursive = true,
    };

    public static IEnumerable<Command> Create()
    {
        Command[] commands = [Get(), Set(), Unset(), Ls(), History(), Diff(), Rollback(), Export(), Import(), Keys(), Tokens(), Users(), Sessions(), Audit(), Consumers(), WatchCommand.Create(Run)];
        foreach (var command in commands)
        {
            command.Options.Add(Server);
            command.Options.Add(Token);
        }
        return commands;
    }

    private static Command Audit()
    {
        var actor = new Option<string?>("--actor") { Description = "Only this actor (token name, or anonymous)" };
        var action = new Option<string?>("--action") { Description = "Only this action, e.g. setting.set, access.denied, token.create" };
        var ns = new Option<string?>("--namespace") { Description = "Only this namespace" };
        var key = new Option<string?>("--key") { Description = "Only this key" };
        var since = new Option<string?>("--since") { Description = "From this time: ISO 8601 (2026-11-22T10:00Z) or that long ago (30m, 1h, 7d)" };
        var until = new Option<string?>("--until") { Description = "Up to this time: ISO 8601 or that long ago (30m, 1h, 7d)" };
        var limit = new Option<int?>("--limit") { Description = "Most events to show (default 100)" };
        var json = JsonOption();
        var command = new Command("audit", "Show the audit log, newest first") { actor, action, ns, key, since, until, limit, json };
        command.SetAction((r, ct) => Run(r, async client =>
        {
            var now = DateTimeOffset.UtcNow;
            string? from = null, to = null;
            foreach (var (option, assign) in new (Option<string?>, Action<string>)[] { (since, v => from = v), (until, v => to = v) })
            {
                if (r.GetValue(option) is not { } text) continue;
                if (AuditTime.Parse(text, now) is not { } time)
                    return await Usage($"{option.Name} '{text}' is not a time: give an ISO 8601 time (2026-11-22T10:00:00Z) or how long ago (30s, 30m, 1h, 7d, 2w).");
                assign(time.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            }
            var query = Query(("actor", r.GetValue(actor)), ("action", r.GetValue(action)), ("namespace", r.GetValue(ns)), ("key", r.GetValue(key)),
                ("from", from), ("to", to), ("limit", r.GetValue(limit)?.ToString()));
            return await ListAsync(client, r.GetValue(json), "api/v1/audit" + query, node => node["audit"]!.AsArray().Select(e =>
            {
                var target = e!["namespace"] is { } n ? $"\t{n}{(e["key"] is { } k ? $"/{k}" : "")}{(e["scope"] is { } s ? $"@{s}" : "")}" : "\t-";
                return $"{e["id"]}\t{e["at"]}\t{e["actor"]}\t{e["action"]}\t{e["outcome"]}{target}\t{e["client"]}\t{e["detail"]?.ToJsonString(Compact)}";
            }), ct);
        }));
        return command;
    }

    private static Command Consumers()
    {
        var json = JsonOption();
        var command = new Command("consumers", "List the services following this server and the revision each has applied") { json };
        command.SetAction((r, ct) => Run(r, client => ListAsync(client, r.GetValue(json), "api/v1/consumers", node =>
        {
            var revision = node["revision"]!.GetValue<long>();
            return node["consumers"]!.AsArray().Select(c =>
                $"{c!["application"] ?? "-"}\t{c["instance"]}\t{c["host"] ?? "-"}\t{string.Join(',', c["namespaces"]!.AsArray().Select(n => n!.GetValue<string>()))}"
                + $"\tapplied {c["appliedRevision"]}{(c["behind"]!.GetValue<bool>() ? $" (behind {revision})" : "")}\tsince {c["connectedSince"]}\tseen {c["lastSeen"]}");
        }, ct)));
        return command;
    }

    private static Command Tokens()
    {
        var name = new Argument<string>("name");
        var grants = new Option<string[]>("--grant") { Description = "permission:pattern, repeatable (e.g. config.read:billing)", Required = true, AllowMultipleArgumentsPerToken = true };
        var expires = new Option<string?>("--expires") { Description = "Lifetime such as 30d or 12h (default: no expiry)" };
        var create = new Command("create", "Create a token; it is printed once and never shown again") { name, grants, expires };
        create.SetAction((r, ct) => Run(r, async client =>
        {
            var body = JsonSerializer.Serialize(new { name = r.GetValue(name), grants = r.GetValue(grants), expiresIn = r.GetValue(expires) });
            var (answer, code) = await client.SendAsync(HttpMethod.Post, "api/v1/tokens", body, ct: ct);
            if (answer is null) return code;
            var node = JsonNode.Parse(answer)!;
            await Console.Error.WriteLineAsync($"token {node["id"]} ({node["name"]}) created; store it now, it is not shown again:");
            await client.Out.WriteLineAsync(node["token"]!.GetValue<string>());
            return code;
        }));
        var tokensJson = JsonOption();
        var ls = new Command("ls", "List tokens (never their secrets)") { tokensJson };
        ls.SetAction((r, ct) => Run(r, client => ListAsync(client, r.GetValue(tokensJson), "api/v1/tokens", node => node["tokens"]!.AsArray().Select(t =>
            $"{t!["id"]}\t{t["name"]}\t{string.Join(",", t["grants"]!.AsArray().Select(g => g!.GetValue<string>()))}" +
            $"\t{(t["revokedAt"] is not null ? "revoked" : t["expiresAt"] is { } e ? $"expires {e}" : "no expiry")}\tlast used {t["lastUsedAt"]?.ToString() ?? "never"}"), ct)));
        var id = new Argument<string>("id");
        var revoke = new Command("revoke", "Revoke a token at once") { id };
        revoke.SetAction((r, ct) => Run(r, async client =>
        {
            var (answer, code) = await client.SendAsync(HttpMethod.Delete, $"api/v1/tokens/{E(r.GetValue(id))}", ct: ct);
            if (answer is not null) await client.Out.WriteLineAsync($"token {r.GetValue(id)} revoked");
            return code;
        }));
        return new Command("token", "API tokens") { create, ls, revoke };
    }

    private static Command Keys()
    {
        var keysJson = JsonOption();
        var ls = new Command("ls", "List data keys, their state and how many stored records (current values and history) each encrypts") { keysJson };
        ls.SetAction((r, ct) => Run(r, client => ListAsync(client, r.GetValue(keysJson), "api/v1/keys", node =>
            node["keys"]!.AsArray().Select(k => $"{k!["id"]}\t{k["state"]}\t{k["records"]} record(s)\tcreated {k["createdAt"]}")
                .Prepend($"encryption {(node["encryption"]!.GetValue<bool>() ? "enabled" : "disabled")}, rotation {node["rotation"]}"), ct)));
        var wait = new Option<bool>("--wait") { Description = "Wait (up to 10 minutes) until every secret is re-encrypted and the old key retired" };
        var rotate = new Command("rotate", "Add a new data key and re-encrypt every secret with it, online") { wait };
        rotate.SetAction((r, ct) => Run(r, async client =>
        {
            var (body, code) = await client.SendAsync(HttpMethod.Post, "api/v1/keys/rotate", "{}", ct: ct);
            if (body is null) return code;
            await client.Out.WriteLineAsync($"data key {JsonNode.Parse(body)!["active"]} is active; re-encrypting");
            if (!r.GetValue(wait)) return code;
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            deadline.CancelAfter(TimeSpan.FromMinutes(10));
            while (!deadline.IsCancellationRequested)
            {
                var (status, statusCode) = await client.SendAsync(HttpMethod.Get, "api/v1/keys", ct: deadline.Token);
                if (status is null) return statusCode;
                var node = JsonNode.Parse(status)!;
                if (node["rotation"]!.GetValue<string>() == "failed") { await Console.Error.WriteLineAsync("strata: rotation failed; see the server log"); return ExitCodes.Failure; }
                if (node["keys"]!.AsArray().All(k => k!["state"]!.GetValue<string>() != "retiring"))
                {
                    await client.Out.WriteLineAsync("rotation complete");
                    return ExitCodes.Ok;
                }
                await Task.Delay(TimeSpan.FromMilliseconds(250), deadline.Token);
            }
            await Console.Error.WriteLineAsync("strata: rotation still running after 10 minutes");
            return ExitCodes.Failure;
        }));
        return new Command("keys", "Data keys that encrypt secrets") { ls, rotate };
    }

    private static Command Get()
    {
        var ns = new Argument<string>("namespace");
        var key = new Argument<string>("key");
        var scope = ScopeOption("Scope chain, most specific first (e.g. user:alice,project:42)");
        var explain = new Option<bool>("--explain") { Description = "Show every layer's value and which one wins" };
        var asOf = new Option<long?>("--as-of") { Description = "Read as of a past revision" };
        var reveal = new Option<bool>("--reveal") { Description = "Show a sensitive value in clear (needs secrets.reveal; audited)" };
        var command = new Command("get", "Print a setting's resolved value") { ns, key, scope, explain, asOf, reveal };
        command.SetAction((r, ct) => Run(r, async client =>
        {
            var query = Query(("scope", r.GetValue(scope)), ("explain", r.GetValue(explain) ? "true" : null), ("asOf", r.GetValue(asOf)?.ToString()),
                ("reveal", r.GetValue(reveal) ? "true" : null));
            var (body, code) = await client.SendAsync(HttpMethod.Get, $"api/v1/settings/{E(r.GetValue(ns))}/{E(r.GetValue(key))}{query}", ct: ct);
            if (body is null) return code;
            var node = JsonNode.Parse(body)!;
            await client.Out.WriteLineAsync(r.GetValue(explain) ? node.ToJsonString(Pretty) : node["value"]!.ToJsonString(Pretty));
            return code;
        }));
        return command;
    }

    private static Command Set()
    {
        var ns = new Argument<string>("namespace");
        var key = new Argument<string>("key");
        var value = new Argument<string>("value") { Description = "JSON value; anything that is not JSON is taken as a string" };
        var asString = new Option<bool>("--string") { Description = "Store the value as a string even if it parses as JSON" };
        var scope = ScopeOption("Scope to write (default global)");
        var comment = CommentOption();
        var ifVersion = new Option<long?>("--if-version") { Description = "Write only if the key is at this version (else exit 5)" };
        var command = new Command("set", "Store an override") { ns, key, value, asString, scope, comment, ifVersion };
        command.SetAction((r, ct) => Run(r, async client =>
        {
            var raw = r.GetValue(value)!;
            if (NotUtf8(("VALUE", raw), ("--comment", r.GetValue(comment))) is { } notUtf8) return await Usage(notUtf8);
            var json = r.GetValue(asString) ? JsonSerializer.Serialize(raw) : IsJson(raw) ? raw : JsonSerializer.Serialize(raw);
            var body = $"{{\"value\":{json}{(r.GetValue(comment) is { } c ? $",\"comment\":{JsonSerializer.Serialize(c)}" : "")}}}";
            var headers = r.GetValue(ifVersion) is { } v ? new Dictionary<string, string> { ["If-Match"] = $"\"{v}\"" } : null;
            var (answer, code) = await client.SendAsync(HttpMethod.Put,
                $"api/v1/settings/{E(r.GetValue(ns))}/{E(r.GetValue(key))}{Query(("scope", r.GetValue(scope)))}", body, headers: headers, ct: ct);
            if (answer is null) return code;
            var node = JsonNode.Parse(answer)!;
            await client.Out.WriteLineAsync($"{node["namespace"]}/{node["key"]} = {node["value"]!.ToJsonString(Compact)} (version {node["version"]}, revision {node["revision"]})");
            return code;
        }));
        return command;
    }

    private static Command Unset()
    {
        var ns = new Argument<string>("namespace");
        var key = new Argument<string>("key");
        var scope = ScopeOption("Scope to reset (default global)");
        var command = new Command("unset", "Reset a setting to its default (remove the override)") { ns, key, scope };
        command.SetAction((r, ct) => Run(r, async client =>
        {
            var (body, code) = await client.SendAsync(HttpMethod.Delete,
                $"api/v1/settings/{E(r.GetValue(ns))}/{E(r.GetValue(key))}{Query(("scope", r.GetValue(scope)))}", ct: ct);
            if (body is null) return code;
            var node = JsonNode.Parse(body)!;
            await client.Out.WriteLineAsync(node["reset"]!.GetValue<bool>()
                ? $"{node["namespace"]}/{node["key"]}@{node["scope"]} reset (version {node["version"]}, revision {node["revision"]})"
                : $"{node["namespace"]}/{node["key"]} has no override at scope {node["scope"]}; nothing changed");
            return code;
        }));
        return command;
    }

    private static Command Ls()
    {
        var ns = new Argument<string?>("namespace") { Arity = ArgumentArity.ZeroOrOne, Description = "List this namespace's settings; omit to list namespaces" };
        var scope = ScopeOption("Scope chain for the values");
        var json = JsonOption();
        var command = new Command("ls", "List namespaces, or the settings of one") { ns, scope, json };
        command.SetAction((r, ct) => Run(r, async client =>
        {
            var name = r.GetValue(ns);
            var path = name is null ? "api/v1/settings" : $"api/v1/settings/{E(name)}{Query(("scope", r.GetValue(scope)))}";
            return await ListAsync(client, r.GetValue(json), path, node => name is null
                ? node["namespaces"]!.AsArray().Select(n => $"{n!["name"]}\t{n["stored"]} stored\t{n["defined"]} defined{(n["strict"]!.GetValue<bool>() ? "\tstrict" : "")}")
                : node["settings"]!.AsArray().Select(s => $"{s!["key"]} = {s["value"]!.ToJsonString(Compact)}\t({s["source"]}{(s["scope"] is { } sc ? $" {sc}" : "")})"), ct);
        }));
        return command;
    }

    private static Command History()
    {
        var ns = new Argument<string>("namespace");
        var key = new Argument<string?>("key") { Arity = ArgumentArity.ZeroOrOne };
        var limit = new Option<int?>("--limit") { Description = "Most records to show (default 100)" };
        var json = JsonOption();
        var command = new Command("history", "Show the changes of a namespace or a key, newest first") { ns, key, limit, json };
        command.SetAction((r, ct) => Run(r, async client =>
        {
            var k = r.GetValue(key);
            var path = k is null ? $"api/v1/settings/{E(r.GetValue(ns))}/_history" : $"api/v1/settings/{E(r.GetValue(ns))}/{E(k)}/history";
            return await ListAsync(client, r.GetValue(json), path + Query(("limit", r.GetValue(limit)?.ToString())), node => node["history"]!.AsArray().Select(h =>
                $"r{h!["revision"]}\t{h["at"]}\t{h["actor"]}\t{h["key"]}@{h["scope"]} v{h["version"]}\t{h["change"]}\t{h["oldValue"]?.ToJsonString(Compact) ?? "null"} -> {h["newValue"]?.ToJsonString(Compact) ?? "null"}{(h["comment"] is { } c ? $"\t# {c}" : "")}"), ct);
        }));
        return command;
    }

    private static Command Diff()
    {
        var ns = new Argument<string>("namespace");
        var from = new Option<long>("--from") { Description = "Older revision", Required = true };
        var to = new Option<long?>("--to") { Description = "Newer revision (default: current)" };
        var json = JsonOption();
        var command = new Command("diff", "Show how a namespace's overrides differ between two revisions") { ns, from, to, json };
        command.SetAction((r, ct) => Run(r, async client =>
        {
            var path = $"api/v1/settings/{E(r.GetValue(ns))}/_diff{Query(("from", r.GetValue(from).ToString()), ("to", r.GetValue(to)?.ToString()))}";
            return await ListAsync(client, r.GetValue(json), path, node => node["changes"]!.AsArray().SelectMany(c => new[]
            {
                c!["old"] is { } o ? $"- {c["key"]}@{c["scope"]} = {o.ToJsonString(Compact)}" : null,
                c["new"] is { } n ? $"+ {c["key"]}@{c["scope"]} = {n.ToJsonString(Compact)}" : null,
            }.OfType<string>()), ct);
        }));
        return command;
    }

    private static Command Rollback()
    {
        var ns = new Argument<string>("namespace");
        var key = new Argument<string?>("key") { Arity = ArgumentArity.ZeroOrOne };
        var version = new Option<long?>("--version") { Description = "Key version to return to (with a key)" };
        var revision = new Option<long?>("--revision") { Description = "Revision to return the whole namespace to (without a key)" };
        var scope = ScopeOption("Scope of the key (default global)");
        var comment = CommentOption();
        var command = new Command("rollback", "Return a key to a version, or a namespace to a revision (as a new revision)") { ns, key, version, revision, scope, comment };
        command.SetAction((r, ct) => Run(r, async client =>
        {
            var k = r.GetValue(key);
            if (NotUtf8(("--comment", r.GetValue(comment))) is { } notUtf8) return await Usage(notUtf8);
            string path, body;
            if (k is not null)
            {
                if (r.GetValue(version) is not { } v) return await Usage("rollback of a key needs --version");
                path = $"api/v1/settings/{E(r.GetValue(ns))}/{E(k)}/rollback";
                body = JsonSerializer.Serialize(new { version = v, scope = r.GetValue(scope), comment = r.GetValue(comment) });
            }
            else
            {
                if (r.GetValue(revision) is not { } rev) return await Usage("rollback of a namespace needs --revision");
                path = $"api/v1/settings/{E(r.GetValue(ns))}/_rollback";
                body = JsonSerializer.Serialize(new { revision = rev, comment = r.GetValue(comment) });
            }
            var (answer, code) = await client.SendAsync(HttpMethod.Post, path, body, ct: ct);
            if (answer is null) return code;
            var node = JsonNode.Parse(answer)!;
            await client.Out.WriteLineAsync($"revision {node["revision"]}: {node["applied"]!.AsArray().Count} change(s)");
            return code;
        }));
        return command;
    }

    private static Command Export()
    {
        var namespaces = new Option<string[]>("--namespace") { Description = "Namespace to export (repeatable; default all)", AllowMultipleArgumentsPerToken = true };
        var format = new Option<string>("--format") { Description = "json or yaml", DefaultValueFactory = _ => "yaml" };
        format.AcceptOnlyFromAmong("json", "yaml");
        var output = new Option<string?>("--output", "-o") { Description = "File to write (default: standard output)" };
        var withSecrets = new Option<bool>("--with-secrets") { Description = "Include sensitive values in clear (needs secrets.reveal; audited; the file says so)" };
        var command = new Command("export", "Export stored overrides (secrets are omitted and listed unless --with-secrets)") { namespaces, format, output, withSecrets };
        command.SetAction((r, ct) => Run(r, async client =>
        {
            var query = string.Join("&", (r.GetValue(namespaces) ?? []).Select(n => $"namespace={E(n)}").Append($"format={r.GetValue(format)}")
                .Concat(r.GetValue(withSecrets) ? ["secrets=true"] : []));
            var (body, code) = await client.SendAsync(HttpMethod.Get, $"api/v1/export?{query}", ct: ct);
            if (body is null) return code;
            if (r.GetValue(output) is { } file)
            {
                try
                {
                    // 0600 whatever the umask: an export is a backup, and with --with-secrets it holds secrets in clear.
                    await Strata.Client.LastKnownGood.PrivateFileReplacement.WriteAsync(file, System.Text.Encoding.UTF8.GetBytes(body), ct, createFolder: false);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    return await Usage($"cannot write {file}: {(e is UnauthorizedAccessException ? "permission denied" : e.Message)}");
                }
                await Console.Error.WriteLineAsync($"strata: exported to {file}");
            }
            else await client.Out.WriteAsync(body);
            return code;
        }));
        return command;
    }

    private static Command Import()
    {
        var file = new Argument<string>("file") { Description = "A strata-export/1 document, .yaml/.yml or .json" };
        var comment = CommentOption();
        var command = new Command("import", "Import a document atomically: all of it or nothing") { file, comment };
        command.SetAction((r, ct) => Run(r, async client =>
        {
            var path = r.GetValue(file)!;
            if (NotUtf8(("--comment", r.GetValue(comment))) is { } notUtf8) return await Usage(notUtf8);
            var (content, problem) = await ImportFile.ReadAsync(path, ct);
            if (content is null) return await Usage(problem!);
            var type = path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? "application/json" : "application/yaml";
            var (answer, code) = await client.SendBytesAsync(HttpMethod.Post, $"api/v1/import{Query(("comment", r.GetValue(comment)))}", content, type, ct);
            if (answer is null) return code;
            var node = JsonNode.Parse(answer)!;
            // Keys that already hold the imported value are left alone, so a re-import of an export changes nothing.
            await client.Out.WriteLineAsync($"revision {node["revision"]}: {node["applied"]!.AsArray().Count} setting(s) changed; any others already had the imported values");
            return code;
        }));
        return command;
    }

    /// <summary>GETs <paramref name="path"/> and prints the answer as JSON (<c>--json</c>) or as the lines <paramref name="lines"/> makes of it.</summary>
    private static async Task<int> ListAsync(StrataClient client, bool json, string path, Func<JsonNode, IEnumerable<string>> lines, CancellationToken ct)
    {
        var (body, code) = await client.SendAsync(HttpMethod.Get, path, ct: ct);
        if (body is null) return code;
        var node = JsonNode.Parse(body)!;
        if (json) await client.Out.WriteLineAsync(node.ToJsonString(Pretty));
        else
            foreach (var line in lines(node)) await client.Out.WriteLineAsync(line);
        return code;
    }

    private static async Task<int> Run(ParseResult result, Func<StrataClient, Task<int>> action)
    {
        var (serverText, serverOrigin) = result.GetValue(Server) is { } s ? (s, "--server")
            : Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } e ? (e, ServerVariable) : (DefaultServer, "the default server");
        if (!Uri.TryCreate(serverText, UriKind.Absolute, out var server) || (server.Scheme != Uri.UriSchemeHttp && server.Scheme != Uri.UriSchemeHttps))
        {
            var shown = ServerUrl.Redact(serverText);
            var hint = serverText.Contains("://", StringComparison.Ordinal) ? "" : $"; did you mean http://{shown}?";
            return await Usage($"{serverOrigin} '{shown}' is not an http:// or https:// URL{hint}");
        }
        var (token, tokenOrigin) = result.GetValue(Token) is { } t ? (t, "--token")
            : Environment.GetEnvironmentVariable(TokenVariable) is { Length: > 0 } v ? (v, TokenVariable) : ((string?)null, (string?)null);
        // Checked here because the HTTP stack's own error would quote the token.
        if (token is not null && (token.Length == 0 || token.Any(c => c is <= ' ' or > '~')))
            return await Usage($"the token from {tokenOrigin} is empty or holds characters a header cannot carry (spaces, line breaks, non-ASCII); it is not shown");
        using var client = new StrataClient(server, token, Console.Out, Console.Error);
        return await action(client);
    }

    private static async Task<int> Usage(string message)
    {
        await Console.Error.WriteLineAsync($"strata: {message}");
        return ExitCodes.Usage;
    }

    /// <summary>
    /// The first argument that was not valid UTF-8 on the command line: .NET turns each bad byte into U+FFFD, so
    /// what would be stored is not what was typed.
    /// </summary>
    private static string? NotUtf8(params (string Name, string? Value)[] arguments) =>
        arguments.FirstOrDefault(a => a.Value?.Contains('\uFFFD', StringComparison.Ordinal) == true) is { Name: { } name }
            ? $"{name} is not valid UTF-8 (each invalid byte would be stored as U+FFFD); pass it in UTF-8, e.g. through iconv -t UTF-8."
            : null;

    private static Option<string?> ScopeOption(string description) => new("--scope") { Description = description };

    private static Option<string?> CommentOption() => new("--comment", "-m") { Description = "Why: kept in history" };

    private static Option<bool> JsonOption() => new("--json") { Description = "Print the server's JSON" };

    private static string E(string? s) => Uri.EscapeDataString(s ?? "");

    private static string Query(params (string Name, string? Value)[] parts)
    {
        var present = parts.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => $"{p.Name}={E(p.Value)}").ToList();
        return present.Count == 0 ? "" : "?" + string.Join("&", present);
    }

    private static bool IsJson(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
