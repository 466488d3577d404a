using Orleans;

namespace OrleansInference.Contracts.BatchJobs;

/// <summary>A slice of the input file: <paramref name="Rows"/> records starting at byte <paramref name="Offset"/>, the first being row <paramref name="FirstRow"/>.</summary>
[GenerateSerializer]
[Alias("oi.BatchChunk")]
public readonly record struct BatchChunk(
    [property: Id(0)] int Index,
    [property: Id(1)] long Offset,
    [property: Id(2)] int Length,
    [property: Id(3)] long FirstRow,
    [property: Id(4)] int Rows);
