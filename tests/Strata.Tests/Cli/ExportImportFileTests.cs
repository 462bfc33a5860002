using System.Diagnostics;
using System.Text;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Cli;

/// <summary>
/// <c>export -o</c> writes a new 0600 file and renames it into place (never through a symbolic link);
/// <c>import</c> sends the file's bytes unchanged, within a bound, and says in one line why a file cannot be read.
/// </summary>
public sealed class ExportImportFileTests : IAsyncLifetime
{
    private const UnixFileMode File0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly TempDirectory _dir = new();
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _dir.Dispose();
    }

    private string[] Args(params string[] args) => [.. args, "--server", _server.Address.ToString()];

    [Fact]
    public async Task An_export_file_is_0600_under_umask_022()
    {
        if (OperatingSystem.IsWindows()) return;
        await StrataProcess.RunAsync(Args("set", "app", "pin", "1234"));
        var file = _dir.File("backup.yaml");

        var (code, _, stderr) = await CliProcess.RunAsync(Args("export", "-o", file), umask: "022");

        Assert.Equal((0, $"strata: exported to {file}"), (code, stderr.Trim()));
        Assert.Equal(File0600, File.GetUnixFileMode(file));
        Assert.Contains("pin: 1234", await File.ReadAllTextAsync(file));
        Assert.Equal(["backup.yaml"], Directory.EnumerateFileSystemEntries(_dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task An_export_over_an_existing_0644_file_leaves_it_0600()
    {
        if (OperatingSystem.IsWindows()) return;
        var file = _dir.Write("backup.yaml", "old\n");
        File.SetUnixFileMode(file, (UnixFileMode)Convert.ToInt32("644", 8));

        Assert.Equal(0, (await CliProcess.RunAsync(Args("export", "-o", file), umask: "022")).ExitCode);

        Assert.Equal(File0600, File.GetUnixFileMode(file));
        Assert.Contains("strata-export/1", await File.ReadAllTextAsync(file));
    }

    [Fact]
    public async Task An_export_to_a_symbolic_link_replaces_the_link_and_leaves_its_target_untouched()
    {
        var target = _dir.Write("precious.txt", "precious\n");
        var link = _dir.File("backup.yaml");
        File.CreateSymbolicLink(link, target);

        Assert.Equal(0, (await StrataProcess.RunAsync(Args("export", "-o", link))).ExitCode);

        Assert.Null(new FileInfo(link).LinkTarget);
        Assert.Contains("strata-export/1", await File.ReadAllTextAsync(link));
        Assert.Equal("precious\n", await File.ReadAllTextAsync(target));
    }

    [Fact]
    public async Task An_export_to_a_folder_that_does_not_exist_exits_2_in_one_line()
    {
        var file = Path.Combine(_dir.File("missing"), "backup.yaml");

        var (code, stdout, stderr) = await StrataProcess.RunAsync(Args("export", "-o", file));

        Assert.Equal(2, code);
        Assert.StartsWith($"strata: cannot write {file}: ", ServeStartFailureTests.OneStrataLine(stdout, stderr));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir.Path));
    }

    [Fact]
    public async Task An_import_that_is_not_utf8_is_sent_as_it_is_and_refused_by_the_server_with_exit_4()
    {
        // Latin-1 'é': read as text it would become U+FFFD and be stored as "caf\uFFFD".
        var file = _dir.File("latin1.yaml");
        await File.WriteAllBytesAsync(file, [.. Encoding.ASCII.GetBytes("format: strata-export/1\nsettings:\n  app:\n    global:\n      greeting: caf"), 0xE9, (byte)'\n']);

        var (code, _, stderr) = await StrataProcess.RunAsync(Args("import", file));

        Assert.Equal(4, code);
        Assert.Contains("not valid UTF-8", stderr);
        Assert.Equal(0, await _server.RevisionAsync());
    }

    [Fact]
    public async Task An_import_file_over_64_MiB_is_refused_at_once_in_one_line_with_exit_2()
    {
        var file = _dir.File("huge.yaml");
        await using (var stream = new FileStream(file, FileMode.CreateNew)) stream.SetLength(3L << 30); // sparse: takes no disk

        var clock = Stopwatch.StartNew();
        var (code, stdout, stderr) = await StrataProcess.RunAsync(Args("import", file));

        Assert.Equal(2, code);
        var line = ServeStartFailureTests.OneStrataLine(stdout, stderr);
        Assert.Contains($"{file} is 3 GiB", line);
        Assert.Contains("at most 64 MiB", line);
        Assert.Contains("MaxRequestBodyBytes (1 MiB by default)", line);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
        Assert.Equal(0, await _server.RevisionAsync());
    }

    [Fact]
    public async Task An_import_of_a_folder_exits_2_in_one_line()
    {
        var (code, stdout, stderr) = await StrataProcess.RunAsync(Args("import", _dir.Path));

        Assert.Equal(2, code);
        Assert.Equal($"strata: {_dir.Path} is a folder, not a file", ServeStartFailureTests.OneStrataLine(stdout, stderr));
    }

    [PermissionFact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task An_import_file_this_user_cannot_read_exits_2_in_one_line()
    {
        var file = _dir.Write("secret.yaml", "format: strata-export/1\n");
        File.SetUnixFileMode(file, UnixFileMode.None);
        // nobody must reach the file to be refused reading it.
        if (CliProcess.AsNobody) File.SetUnixFileMode(_dir.Path, (UnixFileMode)Convert.ToInt32("755", 8));

        var (code, stdout, stderr) = await CliProcess.RunAsync(Args("import", file), dropRoot: true);

        Assert.Equal(2, code);
        Assert.Equal($"strata: cannot read {file}: permission denied", ServeStartFailureTests.OneStrataLine(stdout, stderr));
    }
}
