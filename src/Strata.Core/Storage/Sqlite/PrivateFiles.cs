namespace Strata.Storage.Sqlite;

/// <summary>
/// Keeps the data folder (0700) and the database files (0600) to their owner, whatever the umask: they hold token
/// hashes, the audit log and ciphertexts whose lengths give away each secret's length.
/// </summary>
internal static class PrivateFiles
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OthersAndSpecial = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute | UnixFileMode.SetGroup | UnixFileMode.SetUser;

    /// <summary>
    /// Creates the folder as 0700, or restricts an existing one to its owner when it is Strata's: empty, holding
    /// the database, or holding nothing but files Strata makes (a leftover admin.token). Any other folder open to others (a home folder, /srv) is refused, not chmod'ed behind the user's back;
    /// so are a shared folder (sticky bit, such as /tmp) and one this user cannot restrict.
    /// </summary>
    public static void Folder(string folder, string databaseName)
    {
        try
        {
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(folder);
            else Directory.CreateDirectory(folder, OwnerOnly);
        }
        catch (IOException e) when (FileAbove(folder) is { } file)
        {
            throw new DataFolderException($"The data folder {folder} cannot be created: {file} is a file, not a folder. Use another data folder.", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new DataFolderException($"The data folder {folder} cannot be created: permission denied. Create it for this user, or use another data folder.", e);
        }
        if (OperatingSystem.IsWindows()) return;
        var mode = File.GetUnixFileMode(folder);
        if ((mode & OthersAndSpecial) == 0) return;
        if ((mode & UnixFileMode.StickyBit) != 0)
            throw new DataFolderException($"The data folder {folder} is shared with other users (mode {Octal(mode)}): give Strata a folder of its own.");
        if (!IsStratas(folder, databaseName))
            throw new DataFolderException($"The data folder {folder} is open to other users (mode {Octal(mode)}) and holds files that are not Strata's, so it is left as it is: "
                + $"run `chmod 700 {folder}` if it should be private, or use an empty folder or one of Strata's own.");
        Restrict(folder, mode, $"The data folder {folder}");
    }

    /// <summary>Creates the database file as 0600 before SQLite opens it: SQLite gives its -wal, -shm and -journal files the database file's mode.</summary>
    public static void Database(string path)
    {
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using var created = new FileStream(path, options);
        }
        catch (IOException) when (File.Exists(path))
        {
            // An existing database: its mode is checked below.
        }
        catch (UnauthorizedAccessException e)
        {
            throw new DataFolderException($"The data folder {Path.GetDirectoryName(path)} is not writable by this user: give it write access, or use another data folder.", e);
        }
        if (OperatingSystem.IsWindows()) return;
        foreach (var file in new[] { path, path + "-wal", path + "-shm", path + "-journal" })
            if (File.Exists(file) && File.GetUnixFileMode(file) is var mode && (mode & OthersAndSpecial) != 0)
                Restrict(file, mode, $"The database file {file}");
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void Restrict(string path, UnixFileMode mode, string what)
    {
        try
        {
            File.SetUnixFileMode(path, mode & ~OthersAndSpecial);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new DataFolderException($"{what} is open to other users (mode {Octal(mode)}) and this user cannot restrict it: run `chmod go= {path}` as its owner.", e);
        }
    }

    private static bool IsStratas(string folder, string databaseName)
    {
        try
        {
            string[] own = [databaseName, databaseName + "-wal", databaseName + "-shm", databaseName + "-journal", Access.TokenService.BootstrapFileName, Access.SessionKeys.FolderName];
            // Every entry must be one of Strata's: a file that happens to be named like the database proves nothing.
            return Directory.EnumerateFileSystemEntries(folder).All(e => own.Contains(Path.GetFileName(e)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A folder this user cannot list is not one it may take over.
            return false;
        }
    }

    private static string? FileAbove(string folder)
    {
        for (var dir = folder; !string.IsNullOrEmpty(dir); dir = Path.GetDirectoryName(dir))
            if (File.Exists(dir)) return dir;
        return null;
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');
}
