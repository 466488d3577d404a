using Orleans;
using Orleans.Concurrency;

namespace OrleansInference.Contracts.BatchJobs;

/// <summary>One chunk of a batch job, as the job grain hands it to a chunk grain: everything needed to score it.</summary>
/// <param name="JobId">The job.</param>
/// <param name="Model">The model the job scores with.</param>
/// <param name="Version">The model version, fixed when the job was submitted.</param>
/// <param name="InputPath">The input file (a path every silo can read: the data root is shared).</param>
/// <param name="InputFormat">CSV or JSON Lines.</param>
/// <param name="OutputFormat">The format of the output and errors parts.</param>
/// <param name="CsvHeader">The CSV header line naming the columns; null for JSON Lines.</param>
/// <param name="Chunk">The slice of the input.</param>
[GenerateSerializer]
[Immutable]
[Alias("oi.BatchChunkWork")]
public sealed record BatchChunkWork(
    [property: Id(0)] string JobId,
    [property: Id(1)] string Model,
    [property: Id(2)] string Version,
    [property: Id(3)] string InputPath,
    [property: Id(4)] BatchJobFormat InputFormat,
    [property: Id(5)] BatchJobFormat OutputFormat,
    [property: Id(6)] string? CsvHeader,
    [property: Id(7)] BatchChunk Chunk);
