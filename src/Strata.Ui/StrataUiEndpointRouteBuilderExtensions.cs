using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Strata.Ui.Assets;
using Strata.Ui.Namespaces;
using Strata.Ui.Settings;

namespace Strata;

/// <summary>Maps Strata's web UI into an application that hosts Strata (<c>AddStrata</c>).</summary>
public static class StrataUiEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the web UI's pages at the application's root (<c>/</c>, <c>/ns/{ns}</c>, …) and its stylesheet and
    /// scripts under <c>/ui/assets/</c>. Everything the pages need is registered by <c>AddStrata</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapStrataUi(this IEndpointRouteBuilder endpoints)
    {
        UiAssets.Map(endpoints);
        var ui = endpoints.MapGroup("");
        ui.WithMetadata(new Microsoft.AspNetCore.Routing.ExcludeFromDescriptionAttribute());
        NamespaceEndpoints.Map(ui);
        NamespacePageEndpoints.Map(ui);
        return endpoints;
    }
}
