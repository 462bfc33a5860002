using Strata.Storage;

namespace Strata.Tests.Infrastructure;

internal static class StoreExtensions
{
    /// <summary>A commit with no audit events, as most store tests need.</summary>
    public static Task CommitAsync(this ISettingsStore store, IReadOnlyList<ChangeRecord> records) => store.CommitAsync(records, []);
}
