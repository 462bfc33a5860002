using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection;

namespace Strata.Access;

/// <summary>
/// The data-protection keys of the session cookie, and only of it: in <c>session-keys/</c> of the data folder (0700,
/// each key file 0600), so cookies stay valid across restarts. The host's own data protection is left alone.
/// </summary>
internal static class SessionKeys
{
    public const string FolderName = "session-keys";

    public static IDataProtectionProvider Provider(string dataDirectory)
    {
        var folder = Path.Combine(Path.GetFullPath(dataDirectory), FolderName);
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(folder);
        else Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return DataProtectionProvider.Create(new DirectoryInfo(folder), builder =>
        {
            builder.SetApplicationName("Strata.Session");
            builder.Services.Configure<KeyManagementOptions>(o => o.XmlRepository = new PrivateXmlRepository(folder));
        });
    }

    /// <summary>Key files created 0600 (the framework's file repository leaves them to the umask).</summary>
    private sealed class PrivateXmlRepository(string folder) : IXmlRepository
    {
        public IReadOnlyCollection<XElement> GetAllElements() =>
            Directory.EnumerateFiles(folder, "*.xml").Select(file => XElement.Load(file)).ToList();

        public void StoreElement(XElement element, string friendlyName)
        {
            var file = Path.Combine(folder, (string.IsNullOrWhiteSpace(friendlyName) ? Guid.NewGuid().ToString() : friendlyName) + ".xml");
            var temporary = Path.Combine(folder, Guid.NewGuid().ToString("N") + ".tmp");
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var stream = new FileStream(temporary, options))
            {
                element.Save(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, file, overwrite: false);
        }
    }
}
