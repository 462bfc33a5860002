using Strata.Access;
using Strata.Security;

namespace Strata.Cli.Serve;

/// <summary>What a start adds to the data folder, noted before it begins, so that a failed start can take it all back.</summary>
internal sealed class StartFootprint
{
    // The store's database and its SQLite companions, the bootstrap token file and the signing key.
    private static readonly string[] Names = ["strata.db", "strata.db-wal", "strata.db-shm", "strata.db-journal", TokenService.BootstrapFileName,
        SigningKey.FileName];

    private readonly string _dataDirectory;
    private readonly string? _outermostNewFolder;
    private readonly List<string> _newFiles;

    private StartFootprint(string dataDirectory)
    {
        _dataDirectory = dataDirectory;
        for (var dir = dataDirectory; !string.IsNullOrEmpty(dir) && !Exists(dir); dir = Path.GetDirectoryName(dir))
            _outermostNewFolder = dir;
        _newFiles = [.. Names.Select(n => Path.Combine(dataDirectory, n)).Where(f => !Exists(f))];
    }

    public static StartFootprint Before(string dataDirectory) => new(dataDirectory);

    /// <summary>Removes the files and folders that did not exist before (the caller has closed the store); returns those it could not.</summary>
    public IReadOnlyList<string> Undo()
    {
        var left = new List<string>();
        foreach (var file in _newFiles.Where(Exists))
            if (!TryRemove(() => File.Delete(file))) left.Add(file);
        if (_outermostNewFolder is null) return left;
        for (var dir = _dataDirectory; Directory.Exists(dir) && !Directory.EnumerateFileSystemEntries(dir).Any(); dir = Path.GetDirectoryName(dir)!)
        {
            if (!TryRemove(() => Directory.Delete(dir))) { left.Add(dir); break; }
            if (dir == _outermostNewFolder) break;
        }
        return left;
    }

    private static bool TryRemove(Action remove)
    {
        try
        {
            remove();
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    // A dangling symbolic link exists too.
    private static bool Exists(string path) => Path.Exists(path) || new FileInfo(path).LinkTarget is not null;
}
