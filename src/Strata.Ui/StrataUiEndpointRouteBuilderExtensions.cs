using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Strata.Ui.Assets;
using Strata.Access;
using Strata.Ui.Audit;
using Strata.Ui.Consumers;
using Strata.Ui.History;
using Strata.Ui.Namespaces;
using Strata.Ui.Rendering;
using Strata.Ui.Search;
using Strata.Ui.Sessions;
using Strata.Ui.Shared;
using Strata.Ui.SignIn;
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
        ui.WithMetadata(new Microsoft.AspNetCore.Routing.ExcludeFromDescriptionAttribute(), new BrowserPage(Forbidden));
        // Antiforgery is checked by AntiforgeryCheck, not by the middleware a host would otherwise have to add.
        ui.DisableAntiforgery();
        // Outermost first: problems become pages, the engine's exceptions become problems, then the form token check.
        ui.AddEndpointFilter(new ProblemPages());
        ui.AddEndpointFilter(new Strata.Http.StrataExceptionFilter());
        ui.AddEndpointFilter(new AntiforgeryCheck());
        SignInEndpoints.Map(ui);
        SessionPageEndpoints.Map(ui);
        NamespaceEndpoints.Map(ui);
        HistoryPageEndpoints.Map(ui);
        AuditLogEndpoints.Map(ui);
        ConsumerEndpoints.Map(ui);
        NamespacePageEndpoints.Map(ui);
        SearchPageEndpoints.Map(ui);
        return endpoints;
    }

    private static Task Forbidden(HttpContext http, string why) =>
        Page.Render<MessagePage, Message>(new Message("Not allowed", why), StatusCodes.Status403Forbidden).ExecuteAsync(http);
}
