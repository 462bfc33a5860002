namespace Strata.Cli.Client;

/// <summary>
/// Writes an export as a new file only its owner can read (0600 whatever the umask: an export is a backup, and with
/// <c>--with-secrets</c> it holds secrets in clear), then renames it over the target. A rename replaces a symbolic
/// link itself instead of writing through it, and a reader never sees half a file.
/// </summary>
internal static class ExportFile
{
    public static async Task WriteAsync(string path, byte[] content, CancellationToken ct)
    {
        var target = Path.GetFullPath(path);
        var temp = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var moved = false;
        try
        {
            await using (var stream = new FileStream(temp, options))
            {
                await stream.WriteAsync(content, ct);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, target, overwrite: true);
            moved = true;
        }
        finally
        {
            if (!moved) TryDelete(temp);
        }
    }

    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nothing was written that the user asked for; the failure that brought us here is the one to report.
        }
    }
}
