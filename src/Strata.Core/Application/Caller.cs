using System.Net;
using System.Text.Json;
using Strata.Access;
using Strata.Engine;
using Strata.Storage;

namespace Strata.Application;

/// <summary>
/// Who runs a command, whichever surface it came through: the principal's name, token and grants; the address and
/// request id the audit log records; and what was asked (<see cref="Method"/> and <see cref="Path"/>), which the
/// refusal log tells refusals apart by.
/// </summary>
internal sealed record Caller(string Name, string? TokenId, IReadOnlyList<Grant> Grants, IPAddress? Address, string? RequestId, string Method, string? Path)
{
    public string? Client => Address?.ToString();

    /// <summary>The address refusals and rate limits are counted by (see <see cref="ClientSource"/>).</summary>
    public string? Source => ClientSource.Of(Address)?.ToString();

    // A loop, not LINQ: checked on every command.
    public bool Can(string permission, string ns)
    {
        foreach (var grant in Grants)
            if (grant.Gives(permission, ns)) return true;
        return false;
    }

    /// <summary>A change set run by this caller: its name as actor, its address and request id for the audit log.</summary>
    public ChangeSet Changes(IReadOnlyList<Change> changes, string? comment = null) =>
        new(changes, Name, comment) { Client = Client, RequestId = RequestId };

    /// <summary>An audit event of this caller at <paramref name="at"/> (Unix ms). <paramref name="detail"/> becomes JSON; never pass a secret.</summary>
    public AuditRecord Event(long at, string action, string outcome, string? ns = null, string? key = null, object? detail = null) =>
        new(0, at, Name, action, outcome, ns, key, null, Client, RequestId, detail is null ? null : JsonSerializer.Serialize(detail));
}
