namespace Strata.Tests.Browser;

/// <summary>Every browser test class joins this collection: one Chromium for all of them, tests one after another.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}
