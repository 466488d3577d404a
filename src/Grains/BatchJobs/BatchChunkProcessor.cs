using System.Buffers;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;
using OrleansInference.Contracts.BatchJobs;
using OrleansInference.Contracts.Inference;
using OrleansInference.Contracts.Models;
using OrleansInference.Grid.Catalog;
using OrleansInference.Grid.Repository;

namespace OrleansInference.Grains.BatchJobs;

/// <summary>
/// Processes one chunk: reads its lines, parses each record (rejected records go to the errors part with the reason),
/// scores the valid rows in one call to the model version's large-batch path at offline priority, and writes the
/// output and errors parts atomically. Transient model statuses (queue full, unavailable, deadline) are retried.
/// </summary>
public sealed partial class BatchChunkProcessor(GridCalls grid, TimeProvider time, ILogger<BatchChunkProcessor> logger)
{
    private const int MaxAttempts = 30;

    /// <summary>Lines parsed between yields to the thread pool (about a millisecond of work).</summary>
    private const int YieldEveryLines = 1000;

    /// <summary>Processes <paramref name="work"/> and returns its checkpoint once both parts are on disk.</summary>
    public async Task<ChunkCheckpoint> ProcessAsync(
        BatchChunkWork work, CatalogEntry entry, IBatchRowParser parser, SafeFileHandle input, string workDirectory, CancellationToken cancellationToken)
    {
        var chunk = work.Chunk;
        var columns = entry.Vectorizer.Columns;
        var bytes = ArrayPool<byte>.Shared.Rent(Math.Max(1, chunk.Length));
        var features = ArrayPool<float>.Shared.Rent(Math.Max(1, chunk.Rows * columns));
        var rowIds = ArrayPool<long>.Shared.Rent(Math.Max(1, chunk.Rows));
        var errors = new ArrayBufferWriter<byte>();
        var output = new ArrayBufferWriter<byte>(chunk.Rows * 48 + 64);
        try
        {
            var read = 0;
            while (read < chunk.Length)
            {
                var n = await RandomAccess.ReadAsync(input, bytes.AsMemory(read, chunk.Length - read), chunk.Offset + read, cancellationToken);
                if (n == 0)
                {
                    throw new BatchJobException($"Input '{work.InputPath}' is shorter than when the job was planned; it changed while the job ran.");
                }

                read += n;
            }

            var parsed = default(ParseProgress);
            while (parsed.Position < chunk.Length)
            {
                if (parsed.Position > 0)
                {
                    // Parsing is CPU-bound: step to the back of the thread pool's queue between slices, so real-time
                    // requests queued meanwhile run within milliseconds instead of after the whole chunk.
                    await Task.Yield();
                }

                ParseSlice(parser, work.OutputFormat, chunk, bytes, features, rowIds, columns, errors, ref parsed);
            }

            var (records, valid, rejected) = (parsed.Records, parsed.Valid, parsed.Rejected);
            if (records != chunk.Rows)
            {
                throw new BatchJobException($"Chunk {chunk.Index} of input '{work.InputPath}' holds {records} records, not the {chunk.Rows} planned; the file changed while the job ran.");
            }

            if (valid > 0)
            {
                var predictions = await PredictAsync(work.JobId, entry, features.AsMemory(0, valid * columns), valid, chunk.Index, cancellationToken);
                for (var i = 0; i < valid; i++)
                {
                    BatchOutputFormatter.WritePrediction(output, work.OutputFormat, rowIds[i], predictions[i]);
                }
            }

            await BatchJobFiles.WriteAtomicallyAsync(BatchJobFiles.ErrorsPart(workDirectory, chunk.Index), (s, ct) => s.WriteAsync(errors.WrittenMemory, ct).AsTask(), cancellationToken);
            await BatchJobFiles.WriteAtomicallyAsync(BatchJobFiles.OutputPart(workDirectory, chunk.Index), (s, ct) => s.WriteAsync(output.WrittenMemory, ct).AsTask(), cancellationToken);
            return new ChunkCheckpoint(chunk.Index, chunk.Rows, rejected);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
            ArrayPool<float>.Shared.Return(features);
            ArrayPool<long>.Shared.Return(rowIds);
        }
    }

    /// <summary>
    /// Parses up to <see cref="YieldEveryLines"/> lines from <see cref="ParseProgress.Position"/>: valid rows into
    /// <paramref name="features"/> and <paramref name="rowIds"/>, rejected ones into <paramref name="errors"/>. A plain
    /// method compiled fully optimized at once (the loop inside the async method would run in the runtime's lower tiers
    /// for the first jobs after start-up).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ParseSlice(
        IBatchRowParser parser, BatchJobFormat format, BatchChunk chunk, byte[] bytes, float[] features, long[] rowIds, int columns,
        ArrayBufferWriter<byte> errors, ref ParseProgress progress)
    {
        for (var lines = 0; lines < YieldEveryLines && progress.Position < chunk.Length; lines++)
        {
            var rest = bytes.AsSpan(progress.Position, chunk.Length - progress.Position);
            var end = rest.IndexOf((byte)'\n');
            var line = end < 0 ? rest : rest[..end];
            progress.Position = end < 0 ? chunk.Length : progress.Position + end + 1;
            if (line.Trim(" \r\t"u8).IsEmpty)
            {
                continue;
            }

            if (progress.Records == chunk.Rows)
            {
                // More records than planned: the file changed; the caller reports it.
                progress.Records++;
                progress.Position = chunk.Length;
                return;
            }

            var rowId = chunk.FirstRow + progress.Records++;
            var error = parser.Parse(line, features.AsSpan(progress.Valid * columns, columns));
            if (error is null)
            {
                rowIds[progress.Valid++] = rowId;
            }
            else
            {
                progress.Rejected++;
                BatchOutputFormatter.WriteError(errors, format, rowId, error);
            }
        }
    }

    /// <summary>How far a chunk's parse has got: the next byte, records seen, valid and rejected rows.</summary>
    private struct ParseProgress
    {
        public int Position;
        public int Records;
        public int Valid;
        public int Rejected;
    }

    private async Task<IReadOnlyList<RowPrediction>> PredictAsync(
        string jobId, CatalogEntry entry, ReadOnlyMemory<float> features, int rows, int chunk, CancellationToken cancellationToken)
    {
        var key = ModelKeys.VersionKey(entry.Name, entry.Version);
        for (var attempt = 1; ; attempt++)
        {
            var deadline = time.GetUtcNow().AddMinutes(5);
            var result = await grid.PredictAsync(key, new PredictRequest(features, rows, entry.Vectorizer.Columns, RequestPriority.Offline, deadline), cancellationToken);
            switch (result.Status)
            {
                case InferenceStatus.Ok when result.Rows is { } predictions && predictions.Count == rows:
                    return predictions;
                case InferenceStatus.QueueFull or InferenceStatus.Unavailable or InferenceStatus.DeadlineExceeded when attempt < MaxAttempts:
                    var wait = result.RetryAfter ?? TimeSpan.FromMilliseconds(200);
                    wait = TimeSpan.FromMilliseconds(Math.Clamp(wait.TotalMilliseconds, 50, 5000));
                    Log.Retrying(logger, jobId, chunk, key, result.Status, wait);
                    await Task.Delay(wait, time, cancellationToken);
                    break;
                case InferenceStatus.Cancelled:
                    cancellationToken.ThrowIfCancellationRequested();
                    throw new OperationCanceledException($"Scoring chunk {chunk} of batch job '{jobId}' was cancelled.");
                default:
                    throw new BatchJobException($"Model '{key}' failed on chunk {chunk} ({result.Status}): {result.Error ?? "no predictions returned"}");
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4010, Level = LogLevel.Debug, Message = "Batch job {JobId} chunk {Chunk}: model {Model} answered {Status}; retrying in {Wait}.")]
        public static partial void Retrying(ILogger logger, string jobId, int chunk, string model, InferenceStatus status, TimeSpan wait);
    }
}
