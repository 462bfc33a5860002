using Strata.Storage;

namespace Strata.Tests.Infrastructure;

internal static class StoreExtensions
{
    /// <summary>One commit through the commit transaction, as most store tests need (no audit events unless given).</summary>
    public static async Task CommitAsync(this ISettingsLog log, IReadOnlyList<ChangeRecord> records, IReadOnlyList<AuditRecord>? audit = null)
    {
        await using var tx = await log.BeginCommitAsync();
        await tx.CommitAsync(records, audit ?? []);
    }
}
