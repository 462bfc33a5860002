using System.Globalization;

namespace Strata.WatchBench;

/// <summary>The measured server's memory and CPU, read from <c>/proc/&lt;pid&gt;</c> (Linux only).</summary>
internal sealed class ServerProcess(int pid)
{
    /// <summary>Peak resident set since the process started (<c>VmHWM</c>), in KiB.</summary>
    public long PeakRssKib() => StatusKib("VmHWM:");

    /// <summary>Current resident set (<c>VmRSS</c>), in KiB.</summary>
    public long RssKib() => StatusKib("VmRSS:");

    /// <summary>User plus system CPU time so far, in seconds.</summary>
    public double CpuSeconds()
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // Fields after the ")" that ends the command name: state is field 3, utime 14 and stime 15.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks / 100.0; // USER_HZ is 100 on Linux
    }

    private long StatusKib(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (!line.StartsWith(field, StringComparison.Ordinal)) continue;
            var number = line[field.Length..].Trim();
            return long.Parse(number[..number.IndexOf(' ', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
        }
        throw new InvalidOperationException($"/proc/{pid}/status has no {field}");
    }
}
