namespace Strata.WatchBench;

internal static class Digits
{
    /// <summary>A non-negative decimal number, or -1 when <paramref name="text"/> is not one.</summary>
    public static long Parse(ReadOnlySpan<byte> text)
    {
        if (text.IsEmpty || text.Length > 18) return -1;
        long n = 0;
        foreach (var b in text)
        {
            if (b is < (byte)'0' or > (byte)'9') return -1;
            n = n * 10 + (b - '0');
        }
        return n;
    }
}
