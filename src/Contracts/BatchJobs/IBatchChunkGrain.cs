using Orleans;

namespace OrleansInference.Contracts.BatchJobs;

/// <summary>
/// Scores one chunk of a batch job, keyed <c>"{jobId}/{chunkIndex}"</c>: parses its records, scores the valid rows on
/// the model version's owner on this grain's silo at offline priority, and writes the chunk's output and errors parts
/// atomically. The batch-job grain calls one per chunk with bounded concurrency and checkpoints what each returns, so a
/// chunk whose call did not return is scored again (its parts are replaced whole). Called by the grid itself.
/// </summary>
[Alias("oi.BatchChunkGrain")]
public interface IBatchChunkGrain : IGrainWithStringKey
{
    /// <summary>Scores <paramref name="work"/> and returns its checkpoint once both parts are on disk.</summary>
    [Alias("ProcessAsync")]
    Task<ChunkCheckpoint> ProcessAsync(BatchChunkWork work, CancellationToken cancellationToken);
}
