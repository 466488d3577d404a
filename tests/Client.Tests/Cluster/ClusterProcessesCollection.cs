namespace OrleansInference.Client.Tests.Cluster;

/// <summary>
/// Tests that start several silo and API processes run one class at a time: two such clusters side by side on a
/// two-core machine starve each other past the bounds the tests assert.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ClusterProcessesCollection
{
    public const string Name = "Cluster processes";
}
