using Strata.Storage;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Storage;

/// <summary>Data keys, wrapped by the master key. Every backend runs it (see <see cref="StoreContract{TBackend}"/>).</summary>
public abstract class DataKeyStoreConformance<TBackend> : StoreContract<TBackend> where TBackend : StoreBackend, new()
{
    [Fact]
    public async Task Data_keys_are_saved_together_and_updated_in_place()
    {
        await Store.SaveDataKeysAsync([new DataKeyRecord("k1", "wrapped1", DataKeyRecord.Active, 10)]);
        await Store.SaveDataKeysAsync([new DataKeyRecord("k1", "wrapped1", DataKeyRecord.Retiring, 10), new DataKeyRecord("k2", "wrapped2", DataKeyRecord.Active, 20)]);

        var keys = await Store.DataKeysAsync();

        Assert.Equal([("k1", DataKeyRecord.Retiring), ("k2", DataKeyRecord.Active)], keys.Select(k => (k.Id, k.State)));
    }
}
