using Strata.Storage;

namespace Strata.Tests.Storage;

/// <summary>
/// How a conformance suite reaches one backend: every call of <see cref="Open"/> returns the same store (same file,
/// same database schema), fresh for each test. <see cref="SqliteBackend"/> is one.
/// </summary>
public abstract class StoreBackend : IAsyncDisposable
{
    internal abstract IStrataStore Open();

    public abstract ValueTask DisposeAsync();
}

/// <summary>
/// The base of the store conformance suites, one per store contract (<c>*Conformance</c>). A backend runs every suite
/// with one line per suite (<see cref="SqliteBackend"/>).
/// </summary>
public abstract class StoreContract<TBackend> : IAsyncLifetime where TBackend : StoreBackend, new()
{
    private readonly TBackend _backend = new();

    private protected IStrataStore OpenStore() => _backend.Open();

    private protected IStrataStore Store { get; set; } = null!;

    public async Task InitializeAsync()
    {
        Store = OpenStore();
        await Store.MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        await Store.DisposeAsync();
        await _backend.DisposeAsync();
    }

    /// <summary>A record as the engine writes it: <paramref name="prev"/> is the key's previous revision (0 for none).</summary>
    private protected static ChangeRecord Rec(long rev, string key, string? value, long version, string? old = null, string scope = "global",
        long at = 1_000, string ns = "app", long prev = 0, long? created = null) =>
        new(rev, ns, key, scope, version, old, value, "tester", at, $"r{rev}", prev, created ?? at);
}
