namespace Strata;

/// <summary>Signed-in sessions (the web UI's, and any client's that signs in at <c>/api/v1/sessions</c>).</summary>
public sealed class StrataUiOptions
{
    /// <summary>A session unused this long ends. Default 30 minutes.</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>A session ends this long after sign-in however much it is used. Default 12 hours.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Failed sign-ins for one user name within <see cref="FailedSignInWindow"/> before further attempts get 429. Default 5.</summary>
    public int MaxFailedSignIns { get; set; } = 5;

    /// <summary>Failed sign-ins from one client address (IPv6: one /64) within <see cref="FailedSignInWindow"/> before 429. Default 20.</summary>
    public int MaxFailedSignInsPerAddress { get; set; } = 20;

    /// <summary>How long a failed sign-in counts against its user name and address. Default 15 minutes.</summary>
    public TimeSpan FailedSignInWindow { get; set; } = TimeSpan.FromMinutes(15);
}
