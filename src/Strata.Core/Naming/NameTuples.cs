namespace Strata.Naming;

/// <summary>Equality for (namespace, key) and (namespace, key, scope) tuples the way names compare: ignoring case.</summary>
internal static class NameTuples
{
    public static readonly IEqualityComparer<(string, string)> Pair = new PairComparer();
    public static readonly IEqualityComparer<(string, string, string)> Triple = new TripleComparer();

    private sealed class PairComparer : IEqualityComparer<(string, string)>
    {
        public bool Equals((string, string) a, (string, string) b) =>
            Names.Comparer.Equals(a.Item1, b.Item1) && Names.Comparer.Equals(a.Item2, b.Item2);

        public int GetHashCode((string, string) t) =>
            HashCode.Combine(Names.Comparer.GetHashCode(t.Item1), Names.Comparer.GetHashCode(t.Item2));
    }

    private sealed class TripleComparer : IEqualityComparer<(string, string, string)>
    {
        public bool Equals((string, string, string) a, (string, string, string) b) =>
            Pair.Equals((a.Item1, a.Item2), (b.Item1, b.Item2)) && Names.Comparer.Equals(a.Item3, b.Item3);

        public int GetHashCode((string, string, string) t) =>
            HashCode.Combine(Pair.GetHashCode((t.Item1, t.Item2)), Names.Comparer.GetHashCode(t.Item3));
    }
}
