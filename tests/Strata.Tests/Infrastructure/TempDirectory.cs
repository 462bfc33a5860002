namespace Strata.Tests.Infrastructure;

/// <summary>A fresh folder under the system temp path, deleted on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory() : this(System.IO.Path.Combine(System.IO.Path.GetTempPath(), "strata-tests", Guid.NewGuid().ToString("N")))
    {
    }

    private TempDirectory(string path)
    {
        Path = path;
        Directory.CreateDirectory(Path);
    }

    /// <summary>An existing folder (inside another test's temp folder), for a second server over the same data.</summary>
    public static TempDirectory At(string path) => new(path);

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string Write(string name, string content)
    {
        var file = File(name);
        System.IO.File.WriteAllText(file, content);
        return file;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }
}
