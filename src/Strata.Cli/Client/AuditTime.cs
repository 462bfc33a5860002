using System.Globalization;

namespace Strata.Cli.Client;

/// <summary>The times <c>audit --since/--until</c> take: an ISO 8601 time, or a duration meaning "that long ago".</summary>
internal static class AuditTime
{
    /// <summary>The time <paramref name="text"/> names, or null when it is neither form.</summary>
    public static DateTimeOffset? Parse(string text, DateTimeOffset now)
    {
        var trimmed = text.Trim();
        if (trimmed.Length >= 2 && long.TryParse(trimmed.AsSpan(0, trimmed.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            TimeSpan? unit = trimmed[^1] switch
            {
                's' => TimeSpan.FromSeconds(1),
                'm' => TimeSpan.FromMinutes(1),
                'h' => TimeSpan.FromHours(1),
                'd' => TimeSpan.FromDays(1),
                'w' => TimeSpan.FromDays(7),
                _ => null,
            };
            // Past about 290 years TimeSpan overflows, and no audit log is that old.
            if (unit is { } u && amount <= TimeSpan.MaxValue.Ticks / u.Ticks / 2 && now - DateTimeOffset.MinValue > u * amount)
                return now - u * amount;
            if (unit is not null) return null;
        }
        return DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;
    }
}
