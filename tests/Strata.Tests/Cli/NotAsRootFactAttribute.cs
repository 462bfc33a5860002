namespace Strata.Tests.Cli;

/// <summary>A fact about file permissions, which do not bind root: run as root, it is reported skipped, with the reason.</summary>
public sealed class NotAsRootFactAttribute : FactAttribute
{
    public NotAsRootFactAttribute()
    {
        if (OperatingSystem.IsWindows()) Skip = "Unix file permissions only.";
        else if (System.Environment.IsPrivilegedProcess) Skip = "Running as root, which permission checks do not apply to; run the tests as another user to check this case.";
    }
}
