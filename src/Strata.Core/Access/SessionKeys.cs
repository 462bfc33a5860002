using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Strata.Storage;

namespace Strata.Access;

/// <summary>
/// The data-protection keys of the session cookie, and only of it, kept in the store (migration 010): cookies stay
/// valid across restarts, and every instance on a shared store reads the cookies any of them wrote. The host's own
/// data protection is left alone.
/// </summary>
internal sealed class SessionKeys(ISessionStore store, IOptions<StrataOptions> options, TimeProvider time)
{
    /// <summary>Where versions before the store kept them, in the data folder: imported once, then removed.</summary>
    public const string FolderName = "session-keys";

    // A container of its own: the host's data protection (its keys, its application name) is not touched.
    private readonly Lazy<IDataProtectionProvider> _provider = new(() =>
    {
        var services = new ServiceCollection();
        services.AddDataProtection().SetApplicationName("Strata.Session");
        services.Configure<KeyManagementOptions>(o => o.XmlRepository = new StoreXmlRepository(store, time));
        return services.BuildServiceProvider().GetRequiredService<IDataProtectionProvider>();
    });

    public IDataProtectionProvider Provider => _provider.Value;

    /// <summary>
    /// Imports an older version's key files, and makes sure a key exists before any cookie is written. On a shared
    /// store instances start one at a time (the backend's start lock), so the first creates the key and the others
    /// find it.
    /// </summary>
    public async Task InitializeAsync(CancellationToken ct)
    {
        var folder = Path.Combine(Path.GetFullPath(options.Value.DataDirectory), FolderName);
        if (Directory.Exists(folder))
        {
            foreach (var file in Directory.EnumerateFiles(folder, "*.xml"))
                await store.AddSessionKeyAsync(Path.GetFileNameWithoutExtension(file), await File.ReadAllTextAsync(file, ct).ConfigureAwait(false),
                    time.GetUtcNow().ToUnixTimeMilliseconds(), ct).ConfigureAwait(false);
            Directory.Delete(folder, recursive: true);
        }
        // The framework creates its first key on first use: here, while the lease is held.
        Provider.CreateProtector("Strata.Session.Startup").Protect([0]);
    }

    /// <summary>The framework's key repository over the store. Its interface is synchronous; it is called rarely (start, key rotation).</summary>
    private sealed class StoreXmlRepository(ISessionStore store, TimeProvider time) : IXmlRepository
    {
        public IReadOnlyCollection<XElement> GetAllElements() =>
            store.SessionKeysAsync().GetAwaiter().GetResult().Select(xml => XElement.Parse(xml)).ToList();

        public void StoreElement(XElement element, string friendlyName) =>
            store.AddSessionKeyAsync(string.IsNullOrWhiteSpace(friendlyName) ? Guid.NewGuid().ToString() : friendlyName,
                element.ToString(SaveOptions.DisableFormatting), time.GetUtcNow().ToUnixTimeMilliseconds()).GetAwaiter().GetResult();
    }
}
