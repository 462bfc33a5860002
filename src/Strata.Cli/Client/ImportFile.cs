using System.Globalization;

namespace Strata.Cli.Client;

/// <summary>Reads the file given to <c>strata import</c>, as bytes and within a bound, or says in one line why it cannot.</summary>
internal static class ImportFile
{
    /// <summary>Far above the server's own limit (MaxRequestBodyBytes, 1 MiB by default), so only a file no server could take is refused here.</summary>
    public const long MaxBytes = 64L * 1024 * 1024;

    public static async Task<(byte[]? Content, string? Problem)> ReadAsync(string path, CancellationToken ct)
    {
        if (Directory.Exists(path)) return (null, $"{path} is a folder, not a file");
        if (!File.Exists(path)) return (null, $"no such file: {path}");
        try
        {
            var length = new FileInfo(path).Length;
            if (length > MaxBytes) return (null, TooLarge(path, $"is {Size(length)}"));
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
            // The length can be wrong (a pipe, a device, a file still growing): read no more than one chunk past the bound.
            using var content = new MemoryStream();
            var chunk = new byte[1 << 16];
            int read;
            while ((read = await stream.ReadAsync(chunk, ct)) > 0)
            {
                content.Write(chunk, 0, read);
                if (content.Length > MaxBytes) return (null, TooLarge(path, $"is more than {Size(MaxBytes)}"));
            }
            return (content.ToArray(), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, $"cannot read {path}: {(e is UnauthorizedAccessException ? "permission denied" : e.Message)}");
        }
    }

    private static string TooLarge(string path, string size) =>
        $"{path} {size}; strata import reads at most {Size(MaxBytes)}, and the server takes at most MaxRequestBodyBytes (1 MiB by default): "
        + "import fewer namespaces at a time, or raise Strata:MaxRequestBodyBytes on the server.";

    private static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.#} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.#} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes"),
    };
}
