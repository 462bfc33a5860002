using System.Security.Claims;

namespace Strata.Access;

/// <summary>Who is asking: a token's name and grants, or the anonymous principal with the grants an operator gave it.</summary>
internal sealed class StrataPrincipal : ClaimsPrincipal
{
    public const string AnonymousName = "anonymous";

    public StrataPrincipal(string name, string? tokenId, IReadOnlyList<Grant> grants)
        : base(new ClaimsIdentity([new Claim(ClaimTypes.Name, name)], tokenId is null ? null : AccessSchemes.Token))
    {
        Name = name;
        TokenId = tokenId;
        Grants = grants;
    }

    public string Name { get; }
    public string? TokenId { get; }
    public IReadOnlyList<Grant> Grants { get; }
    public bool IsAnonymous => TokenId is null;

    public bool Can(string permission, string ns) => Grants.Any(g => g.Gives(permission, ns));

    /// <summary>True when some grant gives the permission on at least one namespace.</summary>
    public bool CanAnywhere(string permission) => Grants.Any(g => g.Gives(permission));
}

internal static class AccessSchemes
{
    public const string Token = "StrataToken";
}
