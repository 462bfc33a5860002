using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Strata.Security;
using Strata.Storage;

namespace Strata.Cli.Serve;

/// <summary>Turns why <c>serve</c> could not start into one line naming the problem and the fix, and an exit code.</summary>
internal static partial class StartFailure
{
    public static (string Message, int ExitCode) Describe(Exception failure, ServeSettings settings, bool postgres = false)
    {
        var e = failure is AggregateException { InnerExceptions.Count: > 0 } many ? many.InnerExceptions[0] : failure;
        // Kestrel names the one address it could not bind; else say what it was asked for.
        var listen = BindFailure().Match(e.Message) is { Success: true } bind ? bind.Groups[1].Value
            : settings.Urls ?? Environment.GetEnvironmentVariable("ASPNETCORE_URLS") ?? ServerHost.DefaultUrl;
        return e switch
        {
            DefinitionException or SecretException => (e.Message, ExitCodes.Config),
            DataFolderException or ListenAddressException => (e.Message, ExitCodes.CannotStart),
            // Before the socket cases: a refused PostgreSQL connection is a socket error too, but not a listen address's.
            StoreUnavailableException when postgres =>
                ($"cannot use the PostgreSQL store: {(e.InnerException ?? e).Message.TrimEnd('.')}. Check the connection string (--postgres, {ServerHost.PostgresVariable} or Strata:PostgreSql:ConnectionString) and that the server is up.", ExitCodes.CannotStart),
            _ when Find<AddressInUseException>(e) is not null =>
                ($"cannot listen on {listen}: the address is already in use. Stop what uses it, or pass another address with --urls.", ExitCodes.CannotStart),
            _ when Find<SocketException>(e) is { } socket =>
                ($"cannot listen on {listen}: {socket.Message}. Pass another address with --urls (ports below 1024 need privileges).", ExitCodes.CannotStart),
            StoreUnavailableException =>
                ($"cannot open the database in {settings.DataDirectory}: {e.InnerException?.Message ?? e.Message}. Check that this user can write the folder and its files, or use another with --data.", ExitCodes.CannotStart),
            OperationCanceledException => ("start-up was interrupted; nothing was kept.", ExitCodes.Failure),
            _ => ($"cannot start: {e.Message} ({e.GetType().Name})", ExitCodes.Failure),
        };
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^Failed to bind to address (\S+?): ")]
    private static partial System.Text.RegularExpressions.Regex BindFailure();

    private static T? Find<T>(Exception e) where T : Exception
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
            if (inner is T found) return found;
        return null;
    }
}
