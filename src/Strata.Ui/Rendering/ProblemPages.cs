using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Strata.Ui.Shared;

namespace Strata.Ui.Rendering;

/// <summary>
/// People get pages, not JSON: a problem an endpoint answers (a bad name, a missing key, a refused permission, the
/// engine's exceptions through <see cref="Strata.Http.StrataExceptionFilter"/>) is shown as a page with the same
/// status, its title and its detail.
/// </summary>
internal sealed class ProblemPages : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context);
        if (result is not ProblemHttpResult { ProblemDetails: var problem, StatusCode: var status }) return result;
        return Page.Render<MessagePage, Message>(new Message(problem.Title ?? "Refused", problem.Detail ?? ""), status);
    }
}
