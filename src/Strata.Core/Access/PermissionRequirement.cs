using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Strata.Access;

/// <summary>
/// A permission on the route's <c>{ns}</c>; without one, on at least one namespace (endpoints that span namespaces
/// check each one themselves); on <c>*</c> when <see cref="Global"/>.
/// </summary>
internal sealed class PermissionRequirement(string permission, bool global) : IAuthorizationRequirement
{
    public string Permission { get; } = permission;
    public bool Global { get; } = global;

    /// <summary>The namespace this request is checked on: <c>*</c>, the route's, or none.</summary>
    public string? Namespace(HttpContext http) => Global ? "*" : http.GetRouteValue("ns") as string;

    public bool IsMetBy(StrataPrincipal principal, HttpContext http) =>
        Namespace(http) is { } ns ? principal.Can(Permission, ns) : principal.CanAnywhere(Permission);

    public override string ToString() => Global ? $"{Permission} on *" : Permission;
}
