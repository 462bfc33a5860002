using System.CommandLine;
using Strata.Cli;
using Strata.Cli.Client;
using Strata.Cli.Serve;

var root = new RootCommand("Strata: runtime settings for .NET. 'strata serve' runs the server; the other commands talk to one.");
root.Subcommands.Add(ServeCommand.Create());
foreach (var command in ClientCommands.Create()) root.Subcommands.Add(command);

var parsed = root.Parse(args);
if (parsed.Action is not System.CommandLine.Help.HelpAction && UsageErrors.Of(parsed) is { Count: > 0 } errors)
{
    foreach (var error in errors) Console.Error.WriteLine($"strata: {error}");
    Console.Error.WriteLine($"Run '{UsageErrors.CommandPath(parsed.CommandResult)} --help' for usage.");
    return ExitCodes.Usage;
}
// The generic host handles SIGTERM/Ctrl-C for `serve` (drain, then exit 0); System.CommandLine must not pre-empt it.
return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
