using System.Diagnostics;
using System.Text;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Cli;

/// <summary>The real <c>strata</c> executable with a chosen environment and, on Unix, a chosen umask (through <c>sh -c 'umask …; exec …'</c>).</summary>
internal static class CliProcess
{
    public const string Setpriv = "/usr/bin/setpriv";

    /// <summary>The uid and gid of nobody, which a test running as root gives what the process under test must own.</summary>
    public const int Nobody = 65534;

    /// <summary>When the tests run as root, the process under test runs as nobody, so that file permissions apply to it.</summary>
    public static bool AsNobody => !OperatingSystem.IsWindows() && Environment.IsPrivilegedProcess;

    public static Task<(int ExitCode, string Out, string Err)> RunAsync(string[] args, IDictionary<string, string>? environment = null,
        string? umask = null, bool dropRoot = false) =>
        StrataProcess.RunToEndAsync(Info(args, environment, umask, dropRoot && AsNobody), args);

    /// <summary>
    /// Runs <paramref name="script"/> in <c>/bin/sh</c> with <c>"$@"</c> set to <c>strata</c> and <paramref name="args"/>,
    /// so that a test can give strata bytes a .NET string cannot hold (<c>"$(printf 'caf\351')"</c>: Latin-1, not UTF-8).
    /// </summary>
    public static Task<(int ExitCode, string Out, string Err)> RunInShellAsync(string script, params string[] args)
    {
        var strata = StrataProcess.StartInfo(args);
        var shell = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var arg in (string[])["-c", script, "sh", strata.FileName, .. strata.ArgumentList]) shell.ArgumentList.Add(arg);
        shell.Environment.Clear();
        foreach (var (name, value) in strata.Environment) shell.Environment[name] = value;
        return StrataProcess.RunToEndAsync(shell, args);
    }

    /// <summary>Starts <c>strata serve</c> on 127.0.0.1, port 0, and waits (at most 60 s) for the line that says where it listens.</summary>
    public static Task<(Process Process, Uri Address, StringBuilder Output)> ServeAsync(string dataDirectory, string umask) =>
        StrataProcess.ServeAsync(Info(["serve", "--urls", "http://127.0.0.1:0", "--data", dataDirectory], null, umask, asNobody: false));

    /// <summary>Stops a server started by <see cref="ServeAsync"/> with SIGTERM and waits for it to exit.</summary>
    public static async Task StopAsync(Process process)
    {
        using (var term = Process.Start("kill", ["-TERM", process.Id.ToString()])) await term.WaitForExitAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static ProcessStartInfo Info(string[] args, IDictionary<string, string>? environment, string? umask, bool asNobody)
    {
        var strata = StrataProcess.StartInfo(args, environment);
        if ((umask is null && !asNobody) || OperatingSystem.IsWindows()) return strata;
        var shell = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        string[] drop = asNobody ? [Setpriv, $"--reuid={Nobody}", $"--regid={Nobody}", "--clear-groups"] : [];
        foreach (var arg in (string[])["-c", $"umask {umask ?? "022"}; exec \"$@\"", "sh", .. drop, strata.FileName, .. strata.ArgumentList]) shell.ArgumentList.Add(arg);
        shell.Environment.Clear();
        foreach (var (name, value) in strata.Environment) shell.Environment[name] = value;
        return shell;
    }
}
