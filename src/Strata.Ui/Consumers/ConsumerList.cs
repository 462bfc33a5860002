namespace Strata.Ui.Consumers;

/// <summary>The fleet as the viewer may see it at revision <see cref="Revision"/> (read at <see cref="At"/>, Unix ms).</summary>
internal sealed record ConsumerList(long Revision, long At, IReadOnlyList<ConsumerRow> Consumers, IReadOnlyList<FollowedNamespace> Namespaces)
{
    public int Behind => Consumers.Count(c => c.Behind);
}
