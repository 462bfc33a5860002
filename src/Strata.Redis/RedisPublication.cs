using StackExchange.Redis;

namespace Strata.Redis;

/// <summary>
/// One revision's writes, applied by one Lua script so they are atomic and ordered across publishers: the snapshot
/// (and per-namespace snapshots), the version key and the channel message go in only when the revision is above the
/// stored version (or equal, for a rewrite of the same state), so a late publisher can never move Redis backwards.
/// </summary>
internal sealed record RedisPublication(long Revision, RedisPublicationRule Rule, byte[] Snapshot, IReadOnlyList<(string Key, byte[] Document)> Namespaces, byte[]? Message)
{
    // KEYS: version, snapshot, per-namespace snapshots. ARGV: revision, rule, channel, message ('' for none), snapshot,
    // per-namespace snapshots. Returns -1 when written, else the stored revision that refused it.
    private const string Script = """
        local stored = tonumber(redis.call('GET', KEYS[1]))
        local revision = tonumber(ARGV[1])
        if stored and (revision < stored or (revision == stored and ARGV[2] == 'above')) then return stored end
        redis.call('SET', KEYS[2], ARGV[5])
        for i = 3, #KEYS do redis.call('SET', KEYS[i], ARGV[i + 3]) end
        redis.call('SET', KEYS[1], ARGV[1])
        if ARGV[4] ~= '' then redis.call('PUBLISH', ARGV[3], ARGV[4]) end
        return -1
        """;

    /// <summary>Writes it; null when written, else the stored revision that refused it.</summary>
    internal async Task<long?> ApplyAsync(IDatabaseAsync db, StrataRedisOptions options)
    {
        var keys = new RedisKey[2 + Namespaces.Count];
        var values = new RedisValue[5 + Namespaces.Count];
        keys[0] = options.VersionKey;
        keys[1] = options.SnapshotKey;
        values[0] = Revision;
        values[1] = Rule == RedisPublicationRule.Above ? "above" : "same";
        values[2] = options.Channel;
        values[3] = Message is null ? RedisValue.EmptyString : (RedisValue)Message;
        values[4] = Snapshot;
        for (var i = 0; i < Namespaces.Count; i++)
        {
            keys[2 + i] = Namespaces[i].Key;
            values[5 + i] = Namespaces[i].Document;
        }
        var result = (long)await db.ScriptEvaluateAsync(Script, keys, values).ConfigureAwait(false);
        return result < 0 ? null : result;
    }
}
