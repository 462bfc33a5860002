using System.Text.Json;

namespace Strata.WatchBench;

/// <summary>
/// etcd 3.4's JSON gateway (<c>POST /v3/watch</c>): one JSON object per line, <c>{"result":{...,"created":true}}</c>
/// when the watch is live, then <c>{"result":{...,"events":[{"kv":{...,"mod_revision":"7",...}}]}}</c>.
/// </summary>
internal sealed class EtcdWatchLines : ILineProtocol
{
    public LineEvent OnLine(ReadOnlySpan<byte> line)
    {
        if (line.IsEmpty) return LineEvent.Nothing;
        var reader = new Utf8JsonReader(line);
        var revision = -1L;
        var created = false;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName) continue;
                if (reader.CurrentDepth == 1 && reader.ValueTextEquals("error"u8)) return new LineEvent(LineEventKind.Error);
                if (reader.ValueTextEquals("mod_revision"u8))
                {
                    reader.Read();
                    // The gateway writes int64 as strings; one PUT is one event, so the first is the write's revision.
                    if (revision < 0) revision = Digits.Parse(reader.ValueSpan);
                }
                else if (reader.ValueTextEquals("created"u8))
                {
                    reader.Read();
                    created = reader.TokenType == JsonTokenType.True;
                }
                else if (reader.ValueTextEquals("canceled"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.True) return new LineEvent(LineEventKind.Error);
                }
            }
        }
        catch (JsonException)
        {
            return new LineEvent(LineEventKind.Error);
        }
        if (revision >= 0) return new LineEvent(LineEventKind.Change, revision);
        return created ? LineEvent.Ready : LineEvent.Nothing;
    }
}
