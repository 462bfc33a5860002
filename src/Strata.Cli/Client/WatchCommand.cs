using System.CommandLine;
using System.Net.ServerSentEvents;
using System.Text.Json;
using Strata.Client;
using Strata.Client.Contracts;
using Strata.Client.Internal;

namespace Strata.Cli.Client;

/// <summary><c>strata watch</c>: follows the signed change feed and prints each change, verified, as it happens.</summary>
internal static class WatchCommand
{
    private static readonly JsonSerializerOptions Compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create(Func<ParseResult, Func<StrataClient, Task<int>>, Task<int>> run)
    {
        var namespaces = new Argument<string[]>("namespace") { Arity = ArgumentArity.OneOrMore, Description = "Namespaces to follow" };
        var keys = new Option<string[]>("--key") { Description = "Only these keys (repeatable)", AllowMultipleArgumentsPerToken = true };
        var scope = new Option<string?>("--scope") { Description = "Scope chain the values are resolved under, most specific first" };
        var since = new Option<long?>("--since") { Description = "Print the changes after this revision first, then follow" };
        var count = new Option<int?>("--count") { Description = "Stop after this many changes" };
        var signingKey = new Option<string?>("--signing-key") { Description = "The server's public key (base64) to verify events with; default: the one it serves, which is then printed" };
        var json = new Option<bool>("--json") { Description = "Print each event's signed JSON as it came" };
        var command = new Command("watch", "Follow changes as they are committed; every event's signature is verified") { namespaces, keys, scope, since, count, signingKey, json };
        command.SetAction((r, ct) => run(r, client => FollowAsync(client, r.GetValue(namespaces)!, r.GetValue(keys), r.GetValue(scope), r.GetValue(since),
            r.GetValue(count), r.GetValue(signingKey), r.GetValue(json), ct)));
        return command;
    }

    private static async Task<int> FollowAsync(StrataClient client, string[] namespaces, string[]? keys, string? scope, long? since, int? count,
        string? signingKey, bool json, CancellationToken ct)
    {
        if (signingKey is null)
        {
            var (body, code) = await client.SendAsync(HttpMethod.Get, "api/v1/signing-key", ct: ct);
            if (body is null) return code;
            var served = JsonSerializer.Deserialize(body, ClientJsonContext.Default.SigningKeyDocument)!;
            signingKey = served.PublicKey;
            await client.Error.WriteLineAsync($"strata: verifying with the server's key {served.KeyId} ({served.PublicKey}); pin it with --signing-key");
        }
        SignatureVerifier verifier;
        try
        {
            verifier = SignatureVerifier.FromBase64(signingKey);
        }
        catch (InvalidOperationException)
        {
            await client.Error.WriteLineAsync("strata: --signing-key is not an Ed25519 public key: give the base64 publicKey of GET /api/v1/signing-key.");
            return ExitCodes.Usage;
        }
        if (since is null)
        {
            var (body, code) = await client.SendAsync(HttpMethod.Get, "api/v1/revision", ct: ct);
            if (body is null) return code;
            since = JsonDocument.Parse(body).RootElement.GetProperty("revision").GetInt64();
        }
        var options = new StrataClientOptions { Server = client.Server, Token = client.Token, SigningKey = signingKey };
        foreach (var ns in namespaces) options.Namespaces.Add(ns);
        if (scope is not null) options.Scopes.Add(scope);
        // Not a consumer: it applies nothing, so it must not show in the consumers view as one that is behind.
        using var server = new StrataServerClient(options, verifier, identity: null, keys);
        HttpResponseMessage response;
        try
        {
            response = await server.OpenWatchAsync(since.Value, ct);
        }
        catch (StrataServerException e)
        {
            await client.Error.WriteLineAsync($"strata: {e.Message}");
            return e.Status switch { 400 => ExitCodes.Invalid, 401 or 403 => ExitCodes.Denied, null => ExitCodes.Unreachable, _ => ExitCodes.Failure };
        }
        using (response)
        {
            var printed = 0;
            await using var stream = await response.Content.ReadAsStreamAsync(ct);
            var parser = SseParser.Create(stream, (type, data) => (Item: WatchEventParser.Parse(type, data, verifier), Raw: System.Text.Encoding.UTF8.GetString(data)));
            try
            {
                await foreach (var item in parser.EnumerateAsync(ct))
                {
                    var (kind, verified, document) = item.Data.Item;
                    if (kind == WatchItemKind.Other || kind == WatchItemKind.Heartbeat && verified) continue;
                    if (!verified || document is null)
                    {
                        await client.Error.WriteLineAsync($"strata: a {item.EventType} event (id {item.EventId ?? "none"}) does not verify under the signing key; stopping.");
                        return ExitCodes.Failure;
                    }
                    switch (document)
                    {
                        case Strata.Client.Contracts.ChangeEvent change:
                            if (json) await client.Out.WriteLineAsync(item.Data.Raw);
                            else
                                foreach (var entry in change.Changes) await client.Out.WriteLineAsync(Line(change, entry));
                            await client.Out.FlushAsync(ct);
                            if (++printed == count) return ExitCodes.Ok;
                            break;
                        case ResetEvent reset:
                            await client.Error.WriteLineAsync($"strata: the server reset the stream at revision {reset.Revision}: {reset.Reason}");
                            break;
                        case ClosingEvent closing:
                            await client.Error.WriteLineAsync($"strata: the server closed the stream ({closing.Reason}).");
                            return closing.Reason == "token" ? ExitCodes.Denied : ExitCodes.Unreachable;
                    }
                }
            }
            catch (Exception e) when (e is IOException or HttpRequestException)
            {
                await client.Error.WriteLineAsync("strata: the connection to the server was lost.");
                return ExitCodes.Unreachable;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return ExitCodes.Ok;
            }
            await client.Error.WriteLineAsync("strata: the server ended the stream.");
            return ExitCodes.Unreachable;
        }
    }

    private static string Line(Strata.Client.Contracts.ChangeEvent change, ChangeEntry entry)
    {
        var value = entry.Removed ? "(no value)" : entry.Masked ? "********" : entry.Value.ValueKind == JsonValueKind.Undefined ? "null" : JsonSerializer.Serialize(entry.Value, Compact);
        return $"{change.Revision}\t{entry.Namespace}/{entry.Key}@{entry.Scope} = {value}\t(version {entry.Version}{(entry.Source is null ? "" : $", {entry.Source}")})\t{change.Actor}";
    }
}
