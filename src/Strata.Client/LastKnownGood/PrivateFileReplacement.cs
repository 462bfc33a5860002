namespace Strata.Client.LastKnownGood;

/// <summary>
/// Replaces a file so that a reader sees either the old bytes or the new ones, never part of either: a new file in the
/// same folder (0600 on Unix whatever the umask), flushed to disk, then renamed over the target. A crash leaves the
/// old file in place. A rename replaces a symbolic link at the target instead of writing through it. The client's
/// last-known-good file and the CLI's exports are written this way.
/// </summary>
internal static class PrivateFileReplacement
{
    // createFolder: make a missing folder (0700); without it a missing folder is an IOException.
    public static async Task WriteAsync(string path, byte[] content, CancellationToken ct, bool createFolder = true)
    {
        var target = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(target)!;
        if (createFolder && !Directory.Exists(folder))
        {
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(folder);
            else Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var temp = Path.Combine(folder, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
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
            // The failure that brought us here is the one to report; a stray temp file is harmless.
        }
    }
}
