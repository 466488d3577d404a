using Orleans;
using Orleans.Placement;
using OrleansInference.Contracts.BatchJobs;
using OrleansInference.Grid.Catalog;

namespace OrleansInference.Grains.BatchJobs;

/// <summary>
/// Scores one chunk of a batch job (see <see cref="IBatchChunkGrain"/>). Random placement spreads a job's chunks over
/// the silos, each scoring on its own silo's owner of the model version; the activation goes once its chunk is done.
/// </summary>
[RandomPlacement]
public sealed class BatchChunkGrain(ModelCatalog catalog, BatchChunkProcessor processor, BatchJobPaths paths) : Grain, IBatchChunkGrain
{
    /// <inheritdoc />
    public async Task<ChunkCheckpoint> ProcessAsync(BatchChunkWork work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        try
        {
            if (await catalog.FindAsync(work.Model, work.Version, cancellationToken) is not { } entry)
            {
                throw new BatchJobException($"Model '{work.Model}/{work.Version}' is not registered on the silo scoring chunk {work.Chunk.Index} of batch job '{work.JobId}'.");
            }

            var parser = BatchJobGrain.CreateParser(work.InputFormat, work.CsvHeader, entry, work.Model);
            using var input = File.OpenHandle(work.InputPath, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
            return await processor.ProcessAsync(work, entry, parser, input, paths.WorkDirectory(work.JobId), cancellationToken);
        }
        finally
        {
            DeactivateOnIdle();
        }
    }
}
