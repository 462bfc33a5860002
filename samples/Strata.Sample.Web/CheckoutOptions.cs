using Microsoft.Extensions.Configuration;

namespace Strata.Sample.Web;

/// <summary>Checkout limits, bound from Strata's <c>checkout</c> namespace (<c>strata set checkout max_items 80</c>).</summary>
internal sealed class CheckoutOptions
{
    [ConfigurationKeyName("max_items")]
    public int MaxItems { get; set; }

    [ConfigurationKeyName("max_total")]
    public decimal MaxTotal { get; set; } = 500;
}
