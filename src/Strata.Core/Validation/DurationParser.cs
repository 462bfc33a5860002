using System.Globalization;

namespace Strata.Validation;

/// <summary>Durations as people write them: <c>250ms</c>, <c>30s</c>, <c>5m</c>, <c>2h</c>, <c>1d</c>, or <c>hh:mm:ss</c>.</summary>
internal static class DurationParser
{
    public static bool TryParse(ReadOnlySpan<char> text, out TimeSpan value)
    {
        value = default;
        text = text.Trim();
        if (text.IsEmpty) return false;
        if (text.Contains(':'))
            return TimeSpan.TryParseExact(text, "c", CultureInfo.InvariantCulture, out value) && value >= TimeSpan.Zero;

        var unitStart = text.Length;
        while (unitStart > 0 && char.IsAsciiLetter(text[unitStart - 1])) unitStart--;
        if (unitStart == 0 || unitStart == text.Length) return false;
        if (!double.TryParse(text[..unitStart], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
            return false;
        double? ms = text[unitStart..] switch
        {
            "ms" => amount,
            "s" => amount * 1_000,
            "m" => amount * 60_000,
            "h" => amount * 3_600_000,
            "d" => amount * 86_400_000,
            _ => null,
        };
        if (ms is not { } millis || millis > TimeSpan.MaxValue.TotalMilliseconds) return false;
        value = TimeSpan.FromMilliseconds(millis);
        return true;
    }
}
