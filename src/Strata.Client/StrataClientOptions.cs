namespace Strata.Client;

/// <summary>How a service reaches its Strata server and which settings it follows.</summary>
public sealed class StrataClientOptions
{
    /// <summary>The server's base address, for example <c>http://strata:5380</c>.</summary>
    public Uri? Server { get; set; }
}
