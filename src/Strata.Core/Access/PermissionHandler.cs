using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;

namespace Strata.Access;

/// <summary>
/// Meets <see cref="PermissionRequirement"/>s from the principal's grants (the resource is the request). A caller that
/// neither scheme authenticated is the anonymous principal, unless it presented a token: a bad token is refused
/// whatever anonymous callers may do.
/// </summary>
internal sealed class PermissionHandler(TokenService tokens) : IAuthorizationHandler
{
    public Task HandleAsync(AuthorizationHandlerContext context)
    {
        if (context.Resource is not HttpContext http) return Task.CompletedTask;
        var principal = context.User as StrataPrincipal;
        if (principal is null)
        {
            if (http.Request.Headers.Authorization.Count > 0) return Task.CompletedTask;
            principal = tokens.Anonymous;
        }
        // Indexed, not enumerated: an interface enumerator would allocate on every request.
        if (context.Requirements is IReadOnlyList<IAuthorizationRequirement> requirements)
        {
            for (var i = 0; i < requirements.Count; i++)
                if (requirements[i] is PermissionRequirement permission && permission.IsMetBy(principal, http)) context.Succeed(permission);
        }
        else
        {
            foreach (var requirement in context.Requirements)
                if (requirement is PermissionRequirement permission && permission.IsMetBy(principal, http)) context.Succeed(permission);
        }
        return Task.CompletedTask;
    }
}
