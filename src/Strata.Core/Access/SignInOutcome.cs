using Strata.Storage;

namespace Strata.Access;

/// <summary>
/// What a sign-in came to: a session and its principal, or why not (<see cref="Failure"/>, for the person signing in)
/// and, when rate-limited, the seconds until another attempt is taken.
/// </summary>
internal sealed record SignInOutcome(StrataPrincipal? Principal, SessionRecord? Session, string? Failure, int? RetryAfterSeconds = null)
{
    public bool Succeeded => Principal is not null;
    public bool RateLimited => RetryAfterSeconds is not null;
}
