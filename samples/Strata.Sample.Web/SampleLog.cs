namespace Strata.Sample.Web;

internal static partial class SampleLog
{
    [LoggerMessage(1, LogLevel.Information, "Strata revision {Revision} applied")]
    public static partial void RevisionApplied(ILogger logger, long revision);

    [LoggerMessage(2, LogLevel.Information, "Checkout limits reloaded: max items {MaxItems}, max total {MaxTotal}")]
    public static partial void LimitsReloaded(ILogger logger, int maxItems, decimal maxTotal);

    [LoggerMessage(3, LogLevel.Debug, "Served checkout limits: max items {MaxItems}, max total {MaxTotal}")]
    public static partial void ServedLimits(ILogger logger, int maxItems, decimal maxTotal);
}
