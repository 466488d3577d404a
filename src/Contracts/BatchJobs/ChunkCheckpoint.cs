using Orleans;

namespace OrleansInference.Contracts.BatchJobs;

/// <summary>A finished chunk: its parts are on disk and will not be processed again.</summary>
[GenerateSerializer]
[Alias("oi.ChunkCheckpoint")]
public readonly record struct ChunkCheckpoint(
    [property: Id(0)] int Index,
    [property: Id(1)] int Rows,
    [property: Id(2)] int Errors);
