using System.Collections.Concurrent;
using Microsoft.AspNetCore.Authorization;

namespace Strata.Access;

/// <summary>One authorization policy per permission (and per global or per-namespace check), built once, naming both of Strata's schemes.</summary>
internal static class StrataPolicies
{
    private static readonly ConcurrentDictionary<(string Permission, bool Global), AuthorizationPolicy> Cache = new();

    public static AuthorizationPolicy For(string permission, bool global) =>
        Cache.GetOrAdd((permission, global), static key => new AuthorizationPolicyBuilder(StrataAuthentication.TokenScheme, StrataAuthentication.SessionScheme)
            .AddRequirements(new PermissionRequirement(key.Permission, key.Global))
            .Build());

    /// <summary>The Strata requirement of a policy, or null for a policy that is not Strata's.</summary>
    public static PermissionRequirement? Requirement(AuthorizationPolicy policy)
    {
        foreach (var requirement in policy.Requirements)
            if (requirement is PermissionRequirement permission) return permission;
        return null;
    }
}
