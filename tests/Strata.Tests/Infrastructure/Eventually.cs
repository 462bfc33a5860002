namespace Strata.Tests.Infrastructure;

/// <summary>
/// Retries a condition until it holds or a bound has passed: for what is promised within a time (a revocation on
/// every instance within a second) or what only another process can see (PostgreSQL's view of its sessions), where
/// there is no event to wait on.
/// </summary>
internal static class Eventually
{
    public static async Task<bool> WithinAsync(TimeSpan within, Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            if (await condition()) return true;
            if (DateTime.UtcNow >= deadline) return false;
            await Task.Delay(10);
        }
    }
}
