namespace OrleansInference.Client.Tests.Infrastructure;

/// <summary>The test classes that share one grid server process.</summary>
[CollectionDefinition(Name)]
public sealed class GridServerCollection : ICollectionFixture<GridServerFixture>
{
    public const string Name = "grid server";
}
