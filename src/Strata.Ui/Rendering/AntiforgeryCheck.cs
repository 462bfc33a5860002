using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Strata.Ui.Shared;

namespace Strata.Ui.Rendering;

/// <summary>
/// Checks the framework's antiforgery token on every form post to the UI, in the endpoint itself rather than in
/// the antiforgery middleware, so that a host needs nothing but <c>MapStrataUi()</c>. A post without a valid token
/// changes nothing and gets a 400 page.
/// </summary>
internal sealed class AntiforgeryCheck : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method)) return await next(context);
        await SessionUser.ReadAsync(http);
        try
        {
            await http.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(http);
        }
        catch (AntiforgeryValidationException)
        {
            return Page.Render<MessagePage, Message>(new Message("Form refused",
                "This form was not sent from a page of this site, or it has expired. Reload the page and try again."),
                StatusCodes.Status400BadRequest);
        }
        return await next(context);
    }
}
