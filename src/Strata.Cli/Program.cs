using System.CommandLine;
using Strata.Cli;
using Strata.Cli.Client;
using Strata.Cli.Serve;

var root = new RootCommand("Strata: runtime settings for .NET. 'strata serve' runs the server; the other commands talk to one.")
{
    ClientCommands.Server,
    ClientCommands.Token,
};
root.Subcommands.Add(ServeCommand.Create());
foreach (var command in ClientCommands.Create()) root.Subcommands.Add(command);

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0 && parsed.Action is not System.CommandLine.Help.HelpAction)
{
    foreach (var error in parsed.Errors) Console.Error.WriteLine($"strata: {error.Message}");
    Console.Error.WriteLine("Run 'strata --help' for usage.");
    return ExitCodes.Usage;
}
// The generic host handles SIGTERM/Ctrl-C for `serve` (drain, then exit 0); System.CommandLine must not pre-empt it.
return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
