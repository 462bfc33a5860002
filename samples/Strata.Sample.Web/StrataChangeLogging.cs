using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Strata.Client;

namespace Strata.Sample.Web;

internal static class StrataChangeLogging
{
    /// <summary>Logs every revision the client applies, and the checkout limits each time configuration reloads (IOptionsMonitor calls back on every reload, changed or not).</summary>
    public static void LogStrataChanges(this WebApplication app)
    {
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Strata.Sample.Web.Changes");
        var configuration = (IConfigurationRoot)app.Configuration;
        ChangeToken.OnChange(configuration.GetReloadToken, () => SampleLog.RevisionApplied(log, configuration.GetStrataStatus().Revision));
        app.Services.GetRequiredService<IOptionsMonitor<CheckoutOptions>>()
            .OnChange(limits => SampleLog.LimitsReloaded(log, limits.MaxItems, limits.MaxTotal));
    }
}
