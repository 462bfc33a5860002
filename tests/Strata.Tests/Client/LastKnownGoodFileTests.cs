using System.Security.Cryptography;
using System.Text;
using Strata.Client.LastKnownGood;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Client;

public sealed class LastKnownGoodFileTests : IDisposable
{
    private const string Secret = "s3cret-Pa55word-for-db";
    private static readonly LastKnownGoodIdentity Identity = new(["checkout", "features"], ["user:alice", "tenant:acme"], "9f86d081884c7d65");

    private readonly TempDirectory _dir = new();
    private readonly LastKnownGoodKey _key = LastKnownGoodKey.Parse(NewKey());

    public void Dispose() => _dir.Dispose();

    private string FilePath => _dir.File("config.lkg");

    private static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static LastKnownGoodContents Contents(long revision = 42, LastKnownGoodIdentity? identity = null) => new(
        revision,
        new DateTimeOffset(2026, 12, 2, 9, 0, 0, 123, TimeSpan.Zero),
        identity ?? Identity,
        new Dictionary<string, string?>
        {
            ["checkout:max_items"] = "50",
            ["checkout:limits:rps"] = "120",
            ["checkout:db_password"] = Secret,
            ["checkout:api_keys:0"] = "ünïcode-second-secret ✓",
            ["checkout:optional"] = null,
            ["checkout:sealed_but_null"] = null,
            ["features:dark_mode"] = "true",
            ["features:banner"] = "",
        },
        new HashSet<string> { "checkout:db_password", "checkout:api_keys:0", "checkout:sealed_but_null" });

    private LastKnownGoodException Refusal(byte[] bytes, LastKnownGoodKey? key = null, LastKnownGoodIdentity? identity = null)
    {
        File.WriteAllBytes(FilePath, bytes);
        return Checked(Assert.Throws<LastKnownGoodException>(() => LastKnownGoodFile.Read(FilePath, key ?? _key, identity ?? Identity)));
    }

    /// <summary>The same checks on bytes in memory, for the loops over every position, which would otherwise spend seconds on file writes.</summary>
    private LastKnownGoodException RefusalOfBytes(byte[] bytes) =>
        Checked(Assert.Throws<LastKnownGoodException>(() => LastKnownGoodFile.Decode(FilePath, bytes, _key, Identity)));

    private LastKnownGoodException Checked(LastKnownGoodException refused)
    {
        Assert.Equal(FilePath, refused.Path);
        Assert.Contains(FilePath, refused.Message);
        Assert.DoesNotContain(Secret, refused.Message);
        // The message says which refusal it is in words an operator can search for.
        Assert.Contains(refused.Reason switch
        {
            LastKnownGoodRefusal.WrongKey => "refused as written under another key",
            LastKnownGoodRefusal.UnsupportedVersion => "refused as in an unsupported format version",
            var reason => $"refused as {reason.ToString().ToLowerInvariant()}",
        }, refused.Message);
        return refused;
    }

    private async Task<byte[]> WrittenAsync(LastKnownGoodContents? contents = null)
    {
        await LastKnownGoodFile.WriteAsync(FilePath, _key, contents ?? Contents(), CancellationToken.None);
        return await File.ReadAllBytesAsync(FilePath);
    }

    [Fact]
    public async Task A_saved_file_reads_back_its_revision_identity_values_and_sensitive_keys()
    {
        var saved = Contents();
        await LastKnownGoodFile.WriteAsync(FilePath, _key, saved, CancellationToken.None);

        var read = LastKnownGoodFile.Read(FilePath, _key, Identity);

        Assert.Equal(42, read.Revision);
        Assert.Equal(saved.SavedAt, read.SavedAt);
        Assert.Equal(Identity.Namespaces, read.Identity.Namespaces);
        Assert.Equal(Identity.Scopes, read.Identity.Scopes);
        Assert.Equal(Identity.SigningKeyId, read.Identity.SigningKeyId);
        Assert.Equal(saved.Data.OrderBy(p => p.Key), read.Data.OrderBy(p => p.Key));
        Assert.Equal(saved.SensitiveKeys.Order(), read.SensitiveKeys.Order());
        // Configuration keys ignore case, as IConfiguration's do.
        Assert.Equal(Secret, read.Data["CHECKOUT:DB_PASSWORD"]);
        Assert.Contains("Checkout:Api_Keys:0", read.SensitiveKeys);
    }

    [Fact]
    public async Task A_file_saved_for_the_same_namespaces_in_another_order_and_case_is_not_foreign()
    {
        await WrittenAsync();

        var read = LastKnownGoodFile.Read(FilePath, _key, new LastKnownGoodIdentity(["Features", "checkout"], ["USER:alice", "tenant:acme"], "9F86D081884C7D65"));

        Assert.Equal(42, read.Revision);
    }

    [Fact]
    public async Task A_new_file_replaces_the_old_one_and_only_its_owner_may_read_it()
    {
        await WrittenAsync(Contents(1));
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(FilePath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        await WrittenAsync(Contents(2));

        Assert.Equal(2, LastKnownGoodFile.Read(FilePath, _key, Identity).Revision);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(FilePath));
        Assert.Equal([FilePath], Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public async Task A_missing_folder_is_created_for_the_file()
    {
        var path = Path.Combine(_dir.Path, "state", "nested", "config.lkg");

        await LastKnownGoodFile.WriteAsync(path, _key, Contents(), CancellationToken.None);

        Assert.Equal(42, LastKnownGoodFile.Read(path, _key, Identity).Revision);
    }

    [Fact]
    public async Task A_reader_never_sees_a_partial_file_while_it_is_replaced()
    {
        const int Writes = 150;
        await WrittenAsync(Contents(0));
        var writer = Task.Run(async () =>
        {
            for (var revision = 1; revision <= Writes; revision++)
                await LastKnownGoodFile.WriteAsync(FilePath, _key, Contents(revision), CancellationToken.None);
        });

        var seen = new HashSet<long>();
        var last = 0L;
        // Bounded: the writer finishes long before this many reads.
        for (var i = 0; i < 1_000_000 && !writer.IsCompleted; i++)
        {
            var revision = LastKnownGoodFile.Read(FilePath, _key, Identity).Revision;
            Assert.True(revision >= last, $"revision {revision} read after {last}");
            last = revision;
            seen.Add(revision);
        }
        await writer;

        Assert.True(seen.Count > 1, "the reads did not overlap the writes");
        Assert.Equal(Writes, LastKnownGoodFile.Read(FilePath, _key, Identity).Revision);
        Assert.Equal([FilePath], Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public async Task A_sensitive_value_never_appears_in_the_file_in_clear_or_in_base64()
    {
        var bytes = await WrittenAsync();

        foreach (var secret in new[] { Secret, "ünïcode-second-secret ✓" })
        {
            var plain = Encoding.UTF8.GetBytes(secret);
            Assert.Equal(-1, bytes.AsSpan().IndexOf(plain));
            Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(Convert.ToBase64String(plain))));
            // Base64 of the value at any alignment: its middle is the same whatever precedes it.
            for (var shift = 1; shift < 3; shift++)
            {
                var shifted = Convert.ToBase64String([.. new byte[shift], .. plain]);
                Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(shifted[4..^4])));
            }
            Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(Convert.ToHexString(plain))));
            Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(Convert.ToHexStringLower(plain))));
        }
        // The search finds what is there: a plain value is in the file as itself.
        Assert.NotEqual(-1, bytes.AsSpan().IndexOf("\"120\""u8));
    }

    [Fact]
    public async Task Every_flipped_byte_is_refused()
    {
        var good = await WrittenAsync();
        var headerLength = Array.IndexOf(good, (byte)'\n') + 1;

        for (var position = 0; position < good.Length; position++)
        {
            foreach (var mask in new byte[] { 0x01, 0x80, 0xFF })
            {
                var bad = (byte[])good.Clone();
                bad[position] ^= mask;
                var refused = RefusalOfBytes(bad);
                if (position >= headerLength)
                    Assert.True(refused.Reason == LastKnownGoodRefusal.Tampered, $"byte {position} ^ {mask:x2}: {refused.Reason}");
                else
                    Assert.True(refused.Reason is LastKnownGoodRefusal.Tampered or LastKnownGoodRefusal.Truncated or LastKnownGoodRefusal.WrongKey
                        or LastKnownGoodRefusal.UnsupportedVersion, $"header byte {position} ^ {mask:x2}: {refused.Reason}");
            }
        }
    }

    [Fact]
    public async Task Every_truncation_is_refused_as_truncated()
    {
        var good = await WrittenAsync();

        for (var length = 1; length < good.Length; length++)
        {
            var refused = RefusalOfBytes(good[..length]);
            Assert.True(refused.Reason == LastKnownGoodRefusal.Truncated, $"length {length}: {refused.Reason}: {refused.Message}");
        }
    }

    [Fact]
    public async Task Bytes_after_the_end_are_refused_as_tampering()
    {
        var good = await WrittenAsync();

        Assert.Equal(LastKnownGoodRefusal.Tampered, Refusal([.. good, (byte)'\n']).Reason);
    }

    [Fact]
    public void An_empty_file_is_refused_as_empty()
    {
        var refused = Refusal([]);

        Assert.Equal(LastKnownGoodRefusal.Empty, refused.Reason);
        Assert.Contains("empty", refused.Message);
    }

    [Fact]
    public void A_missing_file_is_refused_as_missing()
    {
        var refused = Assert.Throws<LastKnownGoodException>(() => LastKnownGoodFile.Read(FilePath, _key, Identity));

        Assert.Equal(LastKnownGoodRefusal.Missing, refused.Reason);
        Assert.Contains(FilePath, refused.Message);
    }

    public static TheoryData<string, string[], string[], string> ForeignIdentities => new()
    {
        { "namespaces", ["checkout"], ["user:alice", "tenant:acme"], "9f86d081884c7d65" },
        { "namespaces", ["checkout", "features", "billing"], ["user:alice", "tenant:acme"], "9f86d081884c7d65" },
        { "scope chain", ["checkout", "features"], ["user:bob", "tenant:acme"], "9f86d081884c7d65" },
        { "scope chain", ["checkout", "features"], ["tenant:acme", "user:alice"], "9f86d081884c7d65" },
        { "scope chain", ["checkout", "features"], [], "9f86d081884c7d65" },
        { "signing key", ["checkout", "features"], ["user:alice", "tenant:acme"], "0000000000000000" },
    };

    [Theory]
    [MemberData(nameof(ForeignIdentities))]
    public async Task A_file_saved_for_other_namespaces_scopes_or_server_is_refused_as_foreign(string what, string[] namespaces, string[] scopes, string keyId)
    {
        var good = await WrittenAsync();

        var refused = Refusal(good, identity: new LastKnownGoodIdentity(namespaces, scopes, keyId));

        Assert.Equal(LastKnownGoodRefusal.Foreign, refused.Reason);
        Assert.Contains(what, refused.Message);
    }

    [Fact]
    public async Task A_file_written_under_another_key_is_refused_as_wrong_key()
    {
        var good = await WrittenAsync();

        var refused = Refusal(good, key: LastKnownGoodKey.Parse(NewKey()));

        Assert.Equal(LastKnownGoodRefusal.WrongKey, refused.Reason);
        Assert.Contains("LastKnownGoodKey", refused.Message);
    }

    [Fact]
    public async Task A_file_in_a_newer_format_version_is_refused_as_unsupported()
    {
        var good = await WrittenAsync();
        Assert.True(good.AsSpan().StartsWith("strata-lkg/1 "u8));

        var refused = Refusal([.. "strata-lkg/2"u8, .. good[12..]]);

        Assert.Equal(LastKnownGoodRefusal.UnsupportedVersion, refused.Reason);
        Assert.Contains("version 2", refused.Message);
    }

    [Fact]
    public void A_file_that_is_not_a_last_known_good_file_is_refused()
    {
        var refused = Refusal("{\"revision\":42}\n"u8.ToArray());

        Assert.Equal(LastKnownGoodRefusal.Tampered, refused.Reason);
        Assert.Contains("does not begin", refused.Message);
    }

    [Theory]
    [InlineData("{\"revision\":1}")]
    [InlineData("not json")]
    [InlineData("""{"revision":1,"savedAt":"2026-12-02T09:00:00Z","signingKeyId":"9f86d081884c7d65","namespaces":["checkout","features"],"scopes":["user:alice","tenant:acme"],"entries":[],"extra":1}""")]
    [InlineData("""{"revision":1,"savedAt":"2026-12-02T09:00:00Z","signingKeyId":"9f86d081884c7d65","namespaces":["checkout","features"],"scopes":["user:alice","tenant:acme"],"entries":[{"key":"a","value":"1"},{"key":"A","value":"2"}]}""")]
    [InlineData("""{"revision":1,"savedAt":"2026-12-02T09:00:00Z","signingKeyId":"9f86d081884c7d65","namespaces":["checkout","features"],"scopes":["user:alice","tenant:acme"],"entries":[{"key":"a","sensitive":true,"value":"clear"}]}""")]
    [InlineData("""{"revision":1,"savedAt":"2026-12-02T09:00:00Z","signingKeyId":"9f86d081884c7d65","namespaces":["checkout","features"],"scopes":["user:alice","tenant:acme"],"entries":[{"key":"a","sensitive":true,"sealed":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}]}""")]
    public void A_verified_file_whose_body_is_not_what_Strata_writes_is_refused(string body)
    {
        var refused = Refusal(Signed(_key, Encoding.UTF8.GetBytes(body)));

        Assert.Equal(LastKnownGoodRefusal.Tampered, refused.Reason);
    }

    [Fact]
    public async Task A_verified_body_signed_here_reads_back_so_the_malformed_cases_above_are_refused_for_their_body()
    {
        var good = await WrittenAsync();
        var headerLength = Array.IndexOf(good, (byte)'\n') + 1;

        File.WriteAllBytes(FilePath, Signed(_key, good[headerLength..^66]));

        Assert.Equal(42, LastKnownGoodFile.Read(FilePath, _key, Identity).Revision);
    }

    [Fact]
    public void A_sealed_value_opens_only_for_its_own_configuration_key()
    {
        var sealedText = _key.Seal("db:password", Secret);

        Assert.Equal(Secret, _key.Open("db:password", sealedText));
        Assert.Null(_key.Open("db:other", sealedText));
        Assert.Null(LastKnownGoodKey.Parse(NewKey()).Open("db:password", sealedText));
        Assert.NotEqual(sealedText, _key.Seal("db:password", Secret));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not base64 at all!")]
    [InlineData("c2hvcnQta2V5LW9mLTE2Ynk=")]
    public void A_key_that_is_not_32_bytes_of_base64_is_refused_without_echoing_it(string key)
    {
        var refused = Assert.Throws<ArgumentException>(() => LastKnownGoodKey.Parse(key));

        Assert.Contains("LastKnownGoodKey", refused.Message);
        if (key.Length > 0) Assert.DoesNotContain(key, refused.Message);
    }

    [Fact]
    public void Contents_whose_sensitive_keys_are_not_in_the_data_are_not_written()
    {
        var contents = Contents() with { SensitiveKeys = new HashSet<string> { "checkout:nowhere" } };

        Assert.Throws<ArgumentException>(() => LastKnownGoodFile.Encode(_key, contents));
    }

    /// <summary>A file in the documented layout around any body, MAC'd with the key: what a writer holding the key could produce.</summary>
    private static byte[] Signed(LastKnownGoodKey key, byte[] body)
    {
        byte[] signed = [.. Encoding.ASCII.GetBytes($"strata-lkg/1 {key.Check} {body.Length}\n"), .. body, (byte)'\n'];
        return [.. signed, .. Encoding.ASCII.GetBytes(Convert.ToHexStringLower(key.Mac(signed))), (byte)'\n'];
    }
}
