using System.Net;
using System.Text;
using Strata.Cli.Client;
using Strata.Storage;
using Strata.Storage.Sqlite;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Cli;

/// <summary>Holes a second review found in the first round of fixes, each pinned down.</summary>
public sealed class ReviewRegressionTests
{
    [Theory]
    [InlineData("http://alice:hu/nter2@127.0.0.1:1/", "nter2")]
    [InlineData("http://alice:hu?nt#er2@127.0.0.1:1/x", "er2")]
    [InlineData("alice:hunter2@host", "hunter2")]
    public void A_password_in_a_server_url_is_redacted_whatever_it_holds(string url, string secret)
    {
        var shown = ServerUrl.Redact(url);

        Assert.DoesNotContain(secret, shown);
        Assert.Contains("***@", shown);
    }

    [Fact]
    public void A_file_named_like_the_database_does_not_make_a_shared_folder_strata_s()
    {
        if (OperatingSystem.IsWindows()) return;
        using var dir = new TempDirectory();
        var folder = dir.File("shared");
        Directory.CreateDirectory(folder);
        File.SetUnixFileMode(folder, (UnixFileMode)Convert.ToInt32("755", 8));
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "someone else's");
        File.WriteAllText(Path.Combine(folder, "strata.db"), "");

        var error = Assert.Throws<DataFolderException>(() => PrivateFiles.Folder(folder, "strata.db"));

        Assert.Contains("chmod 700", error.Message);
        Assert.Equal((UnixFileMode)Convert.ToInt32("755", 8), File.GetUnixFileMode(folder) & (UnixFileMode)Convert.ToInt32("777", 8));
    }

    [Fact]
    public async Task A_yaml_import_in_utf16_with_a_byte_order_mark_is_refused_not_decoded()
    {
        await using var server = await TestServer.StartAsync();
        var body = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("settings:\n  app:\n    global:\n      k: café\n")).ToArray();
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/yaml");

        var problem = await (await server.Http.PostAsync("api/v1/import", content)).AssertProblemAsync(400);

        Assert.Contains("UTF-8", problem.GetProperty("detail").GetString());
        Assert.Equal(0, await server.RevisionAsync());
    }

    [Fact]
    public async Task A_quoted_utf8_charset_is_utf8()
    {
        await using var server = await TestServer.StartAsync();
        var content = new StringContent("""{"value": 1}""");
        content.Headers.Remove("Content-Type");
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=\"utf-8\"");

        Assert.Equal(HttpStatusCode.Created, (await server.Http.PutAsync("api/v1/settings/app/k", content)).StatusCode);
    }

    [Theory]
    [InlineData("http://256.1.1.1:5399")]
    [InlineData("http://my-typo-host:5399")]
    public async Task A_listen_host_that_would_mean_every_interface_is_refused(string url)
    {
        using var dir = new TempDirectory();
        var data = dir.File("data");

        var (code, _, err) = await StrataProcess.RunAsync("serve", "--urls", url, "--data", data);

        Assert.Equal(9, code);
        Assert.Contains("neither an IP address nor localhost", err);
        Assert.Single(err.Trim().Split('\n'));
        Assert.False(Directory.Exists(data));
    }

    [Fact]
    public async Task A_cli_import_over_the_server_s_limit_is_a_413_with_exit_4_not_a_broken_connection()
    {
        await using var server = await TestServer.StartAsync(o => o.MaxRequestBodyBytes = 64 * 1024);
        using var dir = new TempDirectory();
        var file = dir.Write("big.json", "{\"settings\": {\"app\": {\"global\": {\"k\": \"" + new string('x', 3 * 1024 * 1024) + "\"}}}}");

        var (code, _, err) = await StrataProcess.RunAsync("import", file, "--server", server.Address.ToString());

        Assert.Equal(4, code);
        Assert.Contains("413", err);
    }
}
