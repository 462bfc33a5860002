namespace Strata.Cluster;

/// <summary>
/// What another instance announced. <see cref="Revision"/> (commits only; 0 when unknown) is a hint: a follower that
/// is already there skips the read. What changed is always read from the store, never taken from a signal.
/// </summary>
internal readonly record struct ClusterSignal(ClusterTopic Topic, long Revision = 0);
