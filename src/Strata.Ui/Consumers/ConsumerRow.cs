namespace Strata.Ui.Consumers;

/// <summary>
/// One connected consumer instance, with only the namespaces the viewer may read. <see cref="BehindOn"/> lists those
/// changed after the revision it applied: empty when it is current.
/// </summary>
internal sealed record ConsumerRow(string Instance, string? Application, string? Host, IReadOnlyList<string> Namespaces, long AppliedRevision,
    IReadOnlyList<string> BehindOn, long ConnectedSince, long LastSeen)
{
    public bool Behind => BehindOn.Count > 0;
}
