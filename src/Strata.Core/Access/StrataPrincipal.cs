using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;

namespace Strata.Access;

/// <summary>
/// Who is asking: a token's name and grants, a signed-in user's (or the token's a session was opened with), or the
/// anonymous principal with the grants an operator gave it. Both authentication schemes produce this type, so every
/// permission check is the same code.
/// </summary>
internal sealed class StrataPrincipal : ClaimsPrincipal
{
    public const string AnonymousName = "anonymous";

    private Task<AuthenticateResult>? _authenticated;

    public StrataPrincipal(string name, string? tokenId, IReadOnlyList<Grant> grants, string? userId = null, string? sessionId = null)
        : base(new ClaimsIdentity([new Claim(ClaimTypes.Name, name)],
            sessionId is not null ? StrataAuthentication.SessionScheme : tokenId is null ? null : StrataAuthentication.TokenScheme))
    {
        Name = name;
        TokenId = tokenId;
        Grants = grants;
        UserId = userId;
        SessionId = sessionId;
        // Per token, or per session: one rate-limit bucket each.
        LimitKey = tokenId ?? sessionId;
    }

    public string Name { get; }
    public string? TokenId { get; }
    public string? UserId { get; }
    public string? SessionId { get; }
    public IReadOnlyList<Grant> Grants { get; }
    public string? LimitKey { get; }
    public bool IsAnonymous => TokenId is null && UserId is null;

    /// <summary>"Token 'ci'" or "User 'alice'": who, in a refusal.</summary>
    public string Describe() => UserId is not null ? $"User '{Name}'" : $"Token '{Name}'";

    /// <summary>This principal's successful authentication, built once: the token scheme hands it out on every request.</summary>
    public Task<AuthenticateResult> Authenticated =>
        _authenticated ??= Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(this, StrataAuthentication.TokenScheme)));

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
