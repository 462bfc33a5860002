namespace Strata.Tests.Cli;

/// <summary>
/// A fact about file permissions, which do not bind root. Run as root, the process under test drops to nobody
/// through setpriv (<see cref="CliProcess.AsNobody"/>); without setpriv the fact is reported skipped, with the reason.
/// </summary>
public sealed class PermissionFactAttribute : FactAttribute
{
    public PermissionFactAttribute()
    {
        if (OperatingSystem.IsWindows()) Skip = "Unix file permissions only.";
        else if (Environment.IsPrivilegedProcess && !File.Exists(CliProcess.Setpriv))
            Skip = $"Running as root, which permission checks do not apply to, and {CliProcess.Setpriv} is missing to drop to nobody; run the tests as another user to check this case.";
    }
}
