using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;

namespace Strata.Cli;

/// <summary>What is wrong with a command line, each problem said once and by name.</summary>
internal static partial class UsageErrors
{
    public static IReadOnlyList<string> Of(ParseResult parsed)
    {
        var command = parsed.CommandResult;
        var errors = new List<string>();
        var missing = command.Command.Arguments
            .Where(a => a.Arity.MinimumNumberOfValues > 0 && command.GetResult(a) is not { Tokens.Count: > 0 })
            .Select(a => a.Name.ToUpperInvariant()).ToList();
        if (missing.Count > 0)
            errors.Add($"'{CommandPath(command)}' needs {string.Join(" ", command.Command.Arguments.Select(a => a.Name.ToUpperInvariant()))}; missing {string.Join(", ", missing)}.");
        // System.CommandLine reports a missing argument once per argument, without naming it; those are said above.
        foreach (var error in parsed.Errors.Where(e => missing.Count == 0 || e.SymbolResult is not ArgumentResult).Select(e => e.Message).Distinct())
            errors.Add(error);
        // A command's own arguments soak up anything, so an unknown option would be taken as a value. `serve` passes
        // what it does not know on to the host (--Strata:Option=value), and after `--` everything is a value.
        if (command.Command.TreatUnmatchedTokensAsErrors)
        {
            var doubleDash = parsed.Tokens.ToList().FindIndex(t => t.Type == TokenType.DoubleDash);
            var beforeDoubleDash = doubleDash < 0 ? parsed.Tokens : parsed.Tokens.Take(doubleDash).ToList();
            foreach (var argument in command.Children.OfType<ArgumentResult>())
                foreach (var token in argument.Tokens.Where(t => beforeDoubleDash.Contains(t) && LooksLikeOption(t.Value)))
                    errors.Add($"unknown option '{token.Value}' for '{CommandPath(command)}' (a value that starts with '-' goes after '--').");
        }
        return errors;
    }

    public static string CommandPath(CommandResult command)
    {
        var names = new List<string>();
        for (SymbolResult? r = command; r is CommandResult c; r = c.Parent) names.Add(c.Command is RootCommand ? "strata" : c.Command.Name);
        names.Reverse();
        return string.Join(" ", names);
    }

    // Negative numbers ("-5", "-0.5") and a lone "-" are values.
    private static bool LooksLikeOption(string token) => OptionLike().IsMatch(token);

    [GeneratedRegex(@"^--?[^-\d.]")]
    private static partial Regex OptionLike();
}
