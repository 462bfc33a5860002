using Microsoft.Extensions.Options;
using Microsoft.FeatureManagement.AspNetCore;

namespace Strata.Sample.Web;

internal static class CheckoutEndpoints
{
    public static RouteGroupBuilder MapCheckout(this IEndpointRouteBuilder app)
    {
        var log = app.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("Strata.Sample.Web.Checkout");
        var group = app.MapGroup("/checkout");

        // CurrentValue is rebuilt when Strata applies a change, and costs nothing to read in between.
        group.MapGet("/limits", (IOptionsMonitor<CheckoutOptions> limits) =>
        {
            var current = limits.CurrentValue;
            SampleLog.ServedLimits(log, current.MaxItems, current.MaxTotal);
            return TypedResults.Ok(current);
        });

        // 404 while the flag is off; on as soon as Strata's FeatureManagement:ExpressCheckout is true.
        group.MapGet("/express", () => TypedResults.Ok(new { message = "Express checkout is open." }))
            .WithFeatureGate(FeatureFlags.ExpressCheckout);

        return group;
    }
}
