using Strata.Tests.Infrastructure;

namespace Strata.Tests.Cli;

/// <summary>
/// Under umask 022 the data folder is 0700 and every file in it 0600, from creation; an existing folder is restricted
/// when it is Strata's (empty, or holding its database), and refused, untouched, when it holds someone else's files.
/// </summary>
public sealed class DataFolderPermissionTests : IDisposable
{
    private const UnixFileMode Folder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode File0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_new_data_folder_and_its_database_wal_shm_token_and_signing_key_files_are_private_under_umask_022()
    {
        if (OperatingSystem.IsWindows()) return;
        var data = _dir.File("data");
        var (process, _, _) = await CliProcess.ServeAsync(data, umask: "022");
        try
        {
            Assert.Equal(Folder, File.GetUnixFileMode(data));
            var files = Directory.GetFiles(data).Select(Path.GetFileName).Order().ToList();
            Assert.Equal(["admin.token", "signing.key", "strata.db", "strata.db-shm", "strata.db-wal"], files);
            foreach (var file in files) Assert.Equal((file, File0600), (file, File.GetUnixFileMode(Path.Combine(data, file!))));
        }
        finally
        {
            await CliProcess.StopAsync(process);
        }
    }

    [Fact]
    public async Task An_existing_folder_and_database_open_to_others_are_restricted_at_start()
    {
        if (OperatingSystem.IsWindows()) return;
        var data = _dir.File("data");
        Directory.CreateDirectory(data);
        File.SetUnixFileMode(data, (UnixFileMode)Convert.ToInt32("755", 8));
        var db = Path.Combine(data, "strata.db");
        await File.WriteAllBytesAsync(db, []);
        File.SetUnixFileMode(db, (UnixFileMode)Convert.ToInt32("644", 8));

        var (process, _, _) = await CliProcess.ServeAsync(data, umask: "022");
        try
        {
            Assert.Equal(Folder, File.GetUnixFileMode(data));
            foreach (var file in new[] { db, db + "-wal", db + "-shm" }) Assert.Equal((file, File0600), (file, File.GetUnixFileMode(file)));
        }
        finally
        {
            await CliProcess.StopAsync(process);
        }
    }

    [Fact]
    public async Task An_existing_folder_open_to_others_that_holds_other_files_is_refused_and_left_as_it_was()
    {
        if (OperatingSystem.IsWindows()) return;
        var data = _dir.File("home");
        Directory.CreateDirectory(data);
        var mode0777 = (UnixFileMode)Convert.ToInt32("777", 8);
        File.SetUnixFileMode(data, mode0777);
        await File.WriteAllTextAsync(Path.Combine(data, "notes.txt"), "mine\n");

        var (code, stdout, stderr) = await CliProcess.RunAsync(["serve", "--urls", "http://127.0.0.1:0", "--data", data], umask: "022");

        Assert.Equal(9, code);
        var line = ServeStartFailureTests.OneStrataLine(stdout, stderr);
        Assert.Contains($"The data folder {data} is open to other users (mode 0777)", line);
        Assert.Contains($"chmod 700 {data}", line);
        Assert.Equal(mode0777, File.GetUnixFileMode(data));
        Assert.Equal(["notes.txt"], Directory.EnumerateFileSystemEntries(data).Select(Path.GetFileName));
    }

    [Fact]
    public async Task An_existing_empty_folder_open_to_others_is_restricted_at_start()
    {
        if (OperatingSystem.IsWindows()) return;
        var data = _dir.File("data");
        Directory.CreateDirectory(data);
        File.SetUnixFileMode(data, (UnixFileMode)Convert.ToInt32("777", 8));

        var (process, _, _) = await CliProcess.ServeAsync(data, umask: "022");
        try
        {
            Assert.Equal(Folder, File.GetUnixFileMode(data));
        }
        finally
        {
            await CliProcess.StopAsync(process);
        }
    }
}
