using Microsoft.AspNetCore.Http;
using Strata.Access;
using Strata.Application;
using Strata.Engine;
using Strata.Security;
using Strata.Storage;

namespace Strata.Http;

/// <summary>Turns the engine's exceptions into problem documents, for every Strata endpoint, in one place.</summary>
internal sealed class StrataExceptionFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (SettingsValidationException e)
        {
            return Problems.Validation(e.Errors);
        }
        catch (VersionConflictException e)
        {
            context.HttpContext.Response.Headers.ETag = Etag.Version(e.CurrentVersion);
            return Problems.VersionConflict(e.Message, e.CurrentVersion);
        }
        catch (PermissionDeniedException e)
        {
            // Audited where it was refused; only the answer is left.
            return AccessControl.Denied(context.HttpContext, e.Permission, e.Namespace);
        }
        catch (NotFoundException e)
        {
            return Problems.NotFound(e.Message);
        }
        catch (UnreadableValueException e)
        {
            return Problems.SecretUnreadable(e.Message, StatusCodes.Status409Conflict);
        }
        catch (SecretException e)
        {
            // Not the caller's mistake: a stored secret was altered or its key is gone. Say which; never a value.
            return Problems.SecretUnreadable(e.Message);
        }
        catch (StoreUnavailableException e)
        {
            context.HttpContext.Response.Headers.RetryAfter = "1";
            return Problems.Unavailable(e.IsTransient ? "The store is busy or unreachable; retry shortly." : "The store failed; see the server log.");
        }
    }
}
