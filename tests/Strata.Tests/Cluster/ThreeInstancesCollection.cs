namespace Strata.Tests.Cluster;

[CollectionDefinition(Name)]
public sealed class ThreeInstancesCollection : ICollectionFixture<ThreeInstances>
{
    public const string Name = "Three instances on one PostgreSQL";
}
