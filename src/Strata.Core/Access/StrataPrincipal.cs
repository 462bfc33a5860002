using System.Security.Claims;

namespace Strata.Access;

/// <summary>Who is asking: a token's name and grants, or the anonymous principal with the grants an operator gave it.</summary>
internal sealed class StrataPrincipal : ClaimsPrincipal
{
    public const string AnonymousName = "anonymous";

    public StrataPrincipal(string name, string? tokenId, IReadOnlyList<Grant> grants)
        : base(new ClaimsIdentity([new Claim(ClaimTypes.Name, name)], tokenId is null ? null : "StrataToken"))
    {
        Name = name;
        TokenId = tokenId;
        Grants = grants;
    }

    public string Name { get; }
    public string? TokenId { get; }
    public IReadOnlyList<Grant> Grants { get; }
    public bool IsAnonymous => TokenId is null;

    // Loops, not LINQ: checked on every request, and a capturing lambda would allocate each time.
    public bool Can(string permission, string ns)
    {
        foreach (var grant in Grants)
            if (grant.Gives(permission, ns)) return true;
        return false;
    }

    /// <summary>True when some grant gives the permission on at least one namespace.</summary>
    public bool CanAnywhere(string permission)
    {
        foreach (var grant in Grants)
            if (grant.Gives(permission)) return true;
        return false;
    }
}
