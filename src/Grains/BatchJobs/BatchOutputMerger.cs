namespace OrleansInference.Grains.BatchJobs;

/// <summary>Concatenates the chunk parts in chunk order into the final output and errors files, each replaced atomically.</summary>
public static class BatchOutputMerger
{
    /// <summary>Merges parts 0 to <paramref name="chunks"/> − 1 of <paramref name="workDirectory"/>.</summary>
    public static async Task MergeAsync(BatchJobRecord job, string workDirectory, int chunks, CancellationToken cancellationToken)
    {
        await BatchJobFiles.WriteAtomicallyAsync(job.OutputPath, (stream, ct) =>
            ConcatAsync(stream, BatchOutputFormatter.OutputHeader(job.OutputFormat).ToArray(), i => BatchJobFiles.OutputPart(workDirectory, i), chunks, ct), cancellationToken);
        await BatchJobFiles.WriteAtomicallyAsync(job.ErrorsPath, (stream, ct) =>
            ConcatAsync(stream, BatchOutputFormatter.ErrorsHeader(job.OutputFormat).ToArray(), i => BatchJobFiles.ErrorsPart(workDirectory, i), chunks, ct), cancellationToken);
    }

    /// <summary>Writes the errors file from the parts that exist (a failed job's rejected rows so far).</summary>
    public static async Task MergeErrorsSoFarAsync(BatchJobRecord job, string workDirectory, CancellationToken cancellationToken)
    {
        var parts = Directory.Exists(Path.Combine(workDirectory, "parts"))
            ? Enumerable.Range(0, job.ChunksTotal ?? 0).Where(i => File.Exists(BatchJobFiles.ErrorsPart(workDirectory, i))).ToArray()
            : [];
        await BatchJobFiles.WriteAtomicallyAsync(job.ErrorsPath, (stream, ct) =>
            ConcatAsync(stream, BatchOutputFormatter.ErrorsHeader(job.OutputFormat).ToArray(), i => BatchJobFiles.ErrorsPart(workDirectory, parts[i]), parts.Length, ct), cancellationToken);
    }

    private static async Task ConcatAsync(Stream destination, byte[] header, Func<int, string> part, int chunks, CancellationToken cancellationToken)
    {
        await destination.WriteAsync(header, cancellationToken);
        for (var i = 0; i < chunks; i++)
        {
            var path = part(i);
            if (!File.Exists(path))
            {
                throw new BatchJobException($"Chunk part '{path}' is missing although its chunk was checkpointed.");
            }

            await using var source = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
            await source.CopyToAsync(destination, cancellationToken);
        }
    }
}
