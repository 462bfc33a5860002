namespace Strata.Storage;

/// <summary>The data keys secrets are encrypted with, each wrapped by the master key.</summary>
internal interface IDataKeyStore
{
    Task<IReadOnlyList<DataKeyRecord>> DataKeysAsync(CancellationToken ct = default);

    /// <summary>Inserts or updates data keys, all in one transaction (a rotation adds one and retires another at once).</summary>
    Task SaveDataKeysAsync(IReadOnlyList<DataKeyRecord> keys, CancellationToken ct = default);
}
