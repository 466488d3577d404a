namespace OrleansInference.OnnxRuntime.Tests;

/// <summary>Tests that measure the process (memory, timing) or load every core run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "Serial";
}
