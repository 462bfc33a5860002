namespace Strata.Sample.Web;

/// <summary>The feature flags this app reads; each is a key of Strata's <c>FeatureManagement</c> namespace.</summary>
internal static class FeatureFlags
{
    public const string ExpressCheckout = "ExpressCheckout";
}
