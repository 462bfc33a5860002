using System.Globalization;

namespace Strata.Ui.Rendering;

/// <summary>Numbers and times as pages show them: invariant, times in UTC to the second.</summary>
internal static class UiFormat
{
    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A Unix-milliseconds time as people read it.</summary>
    public static string Time(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs).ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>The same time for a <c>&lt;time datetime&gt;</c> attribute.</summary>
    public static string MachineTime(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
}
