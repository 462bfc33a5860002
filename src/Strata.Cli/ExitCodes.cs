namespace Strata.Cli;

/// <summary>Exit codes a script can rely on; documented in docs/cli.md.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int Usage = 2;
    public const int NotFound = 3;
    public const int Invalid = 4;
    public const int Conflict = 5;
    public const int Unreachable = 6;
    public const int Denied = 7;
    public const int Config = 8;
    public const int CannotStart = 9;
}
