namespace OrleansInference.Api.Tests.Fuzz;

/// <summary>
/// The fuzz burst measures the managed heap of the test process, which every running server shares: it runs alone,
/// after the parallel test classes.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FuzzCollection
{
    public const string Name = "Fuzz (alone)";
}
