using System.Runtime.CompilerServices;
using Strata.Naming;
using Strata.Security;
using Strata.Storage;

namespace Strata.Engine;

/// <summary>
/// The change feed rebuilt from the store: the events of past revisions, each with the keys' states as they were
/// right after it. Watchers resume from it; an instance on a shared store can follow other instances' commits the
/// same way. Reads pages of revisions, so a long replay holds a bounded number of records at once.
/// </summary>
internal sealed class HistoryFeed(ISettingsLog store, SecretKeeper secrets)
{
    private const int PageRevisions = 256;

    /// <summary>The events after <paramref name="after"/> through <paramref name="through"/> touching a namespace <paramref name="watched"/> accepts.</summary>
    public async IAsyncEnumerable<ChangeEvent> ReplayAsync(long after, long through, Func<string, bool> watched,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        var states = new Dictionary<(string, string), KeyState>(NameTuples.Pair);
        var loaded = new HashSet<string>(Names.Comparer);
        for (var from = after; from < through; from += PageRevisions)
        {
            var records = await store.ChangesAsync(from, Math.Min(through, from + PageRevisions), ct).ConfigureAwait(false);
            for (var i = 0; i < records.Count;)
            {
                var revision = records[i].Revision;
                var first = records[i];
                List<ChangedKey>? changed = null;
                for (; i < records.Count && records[i].Revision == revision; i++)
                {
                    var record = records[i];
                    if (!watched(record.Namespace)) continue;
                    // A namespace's first change after the start point: its state at the start point comes first.
                    if (loaded.Add(record.Namespace)) await LoadAsync(record.Namespace, after, states, ct).ConfigureAwait(false);
                    var opened = secrets.TryOpen(record);
                    var value = new StoredValue(opened.Scope, opened.NewValue, opened.Version, opened.CreatedAt, opened.At, opened.Revision, opened.Unreadable);
                    var state = states.GetValueOrDefault((opened.Namespace, opened.Key)) is { } known
                        ? known.With(value)
                        : new KeyState(opened.Namespace, opened.Key, [value]);
                    states[(state.Namespace, state.Key)] = state;
                    (changed ??= []).Add(new ChangedKey(state.Namespace, state.Key, opened.Scope, opened.Version, state));
                }
                if (changed is not null) yield return new ChangeEvent(ChangeEvent.Updated, revision, changed, first.Actor, first.At);
            }
        }
    }

    private async Task LoadAsync(string ns, long revision, Dictionary<(string, string), KeyState> states, CancellationToken ct)
    {
        var entries = await store.StateAtAsync(ns, revision, ct).ConfigureAwait(false);
        foreach (var byKey in entries.Select(secrets.TryOpen).GroupBy(e => e.Key, Names.Comparer))
        {
            var first = byKey.First();
            states[(first.Namespace, first.Key)] = new KeyState(first.Namespace, first.Key, byKey.Select(StoredValue.From));
        }
    }
}
