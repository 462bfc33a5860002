using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Cli;

/// <summary>A <c>serve</c> that cannot start says why in one line, exits 9 and leaves nothing behind.</summary>
public sealed class ServeStartFailureTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_port_in_use_exits_9_with_one_line_and_creates_nothing(bool folderExists)
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var data = _dir.File("data");
        if (folderExists) Directory.CreateDirectory(data);

        var (code, stdout, stderr) = await CliProcess.RunAsync(["serve", "--urls", $"http://127.0.0.1:{port}", "--data", data], umask: "022");

        Assert.Equal(9, code);
        var line = OneStrataLine(stdout, stderr);
        Assert.Contains($"http://127.0.0.1:{port}", line);
        Assert.Contains("already in use", line);
        Assert.Contains("--urls", line);
        Assert.DoesNotContain("admin token", stdout + stderr);
        if (folderExists) Assert.Empty(Directory.EnumerateFileSystemEntries(data));
        else Assert.False(Path.Exists(data));
    }

    [Fact]
    public async Task After_a_failed_start_the_next_start_bootstraps_and_says_where_the_token_went()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var data = _dir.File("data");
        var failed = await CliProcess.RunAsync(["serve", "--urls", $"http://127.0.0.1:{((IPEndPoint)taken.LocalEndpoint).Port}", "--data", data]);
        Assert.Equal(9, failed.ExitCode);

        var (process, address, output) = await StrataProcess.ServeAsync(data);
        var tokenFile = Path.Combine(data, "admin.token");
        try
        {
            using var http = OpenApiContractHandler.Client(address, (await File.ReadAllTextAsync(tokenFile)).Trim());
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("api/v1/tokens")).StatusCode);
        }
        finally
        {
            await CliProcess.StopAsync(process);
        }
        Assert.Contains($"strata: admin token written to {tokenFile}", output.ToString());
    }

    [Fact]
    public async Task A_data_folder_under_a_file_exits_9_naming_the_file()
    {
        var file = _dir.Write("plain-file", "not a folder");
        var data = Path.Combine(file, "data");

        var (code, stdout, stderr) = await CliProcess.RunAsync(["serve", "--urls", "http://127.0.0.1:0", "--data", data]);

        Assert.Equal(9, code);
        var line = OneStrataLine(stdout, stderr);
        Assert.Contains($"{file} is a file", line);
        Assert.Equal(["plain-file"], Directory.EnumerateFileSystemEntries(_dir.Path).Select(Path.GetFileName));
    }

    [PermissionFact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task A_data_folder_this_user_cannot_write_exits_9_and_says_so()
    {
        var data = _dir.File("read-only");
        Directory.CreateDirectory(data, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        if (CliProcess.AsNobody)
        {
            // nobody must reach the folder and own it, as an operator owns theirs.
            File.SetUnixFileMode(_dir.Path, (UnixFileMode)Convert.ToInt32("755", 8));
            using var chown = Process.Start("chown", [$"{CliProcess.Nobody}:{CliProcess.Nobody}", data]);
            await chown.WaitForExitAsync();
            Assert.Equal(0, chown.ExitCode);
        }

        var (code, stdout, stderr) = await CliProcess.RunAsync(["serve", "--urls", "http://127.0.0.1:0", "--data", data], dropRoot: true);

        Assert.Equal(9, code);
        Assert.Contains($"The data folder {data} is not writable by this user", OneStrataLine(stdout, stderr));
        Assert.Empty(Directory.EnumerateFileSystemEntries(data));
    }

    [Fact]
    public async Task A_shared_data_folder_such_as_tmp_is_refused()
    {
        if (OperatingSystem.IsWindows()) return;
        var data = _dir.File("shared");
        Directory.CreateDirectory(data);
        File.SetUnixFileMode(data, (UnixFileMode)Convert.ToInt32("1777", 8));

        var (code, stdout, stderr) = await CliProcess.RunAsync(["serve", "--urls", "http://127.0.0.1:0", "--data", data]);

        Assert.Equal(9, code);
        Assert.Contains("shared with other users", OneStrataLine(stdout, stderr));
        Assert.Empty(Directory.EnumerateFileSystemEntries(data));
    }

    /// <summary>The whole of what a failed start printed: one <c>strata:</c> line on standard error, no stack trace.</summary>
    internal static string OneStrataLine(string stdout, string stderr)
    {
        Assert.DoesNotContain("   at ", stdout + stderr);
        Assert.DoesNotContain("Exception", stdout + stderr);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Single(lines);
        Assert.StartsWith("strata: ", lines[0]);
        return lines[0];
    }
}
