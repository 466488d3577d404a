using System.Diagnostics;
using System.Text.Json;
using OrleansInference.Contracts.BatchJobs;
using OrleansInference.Contracts.Models;
using OrleansInference.Grid.Catalog;

namespace OrleansInference.Grains.BatchJobs;

/// <summary>The job run: plan, fan out pending chunks, checkpoint, merge, finish, notify.</summary>
public sealed partial class BatchJobGrain
{
    private static readonly TimeSpan CatalogWait = TimeSpan.FromMinutes(2);

    /// <summary>How long a job waits before it tries again while its state store is unreachable.</summary>
    private static readonly TimeSpan StoreRetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Runs the job; while the state store is unreachable (a Redis outage in cluster mode) the job neither fails nor
    /// stops: it waits and runs again from its checkpoints once the store answers, so an accepted job is never lost.
    /// </summary>
    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await RunOnceAsync(cancellationToken);
                return;
            }
            catch (StateStoreUnavailableException ex)
            {
                Log.StoreUnavailable(_logger, JobId, ex.Message);
            }

            try
            {
                await Task.Delay(StoreRetryDelay, _time, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        if (Status()!.IsFinal)
        {
            // Finished before the store went away (the final state is kept in memory only once stored): notify only.
            await NotifyAsync(cancellationToken);
            return;
        }

        var job = Volatile.Read(ref _record)!;
        try
        {
            var entry = await WaitForModelAsync(job, cancellationToken);
            BatchInputPlan plan;
            try
            {
                plan = await BatchInputPlanner.PlanAsync(job.InputPath, job.InputFormat == BatchJobFormat.Csv, job.ChunkRows, cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                throw new BatchJobException($"Input '{job.InputPath}' could not be read: {ex.Message}", ex);
            }

            // The header is checked here, so a job whose columns do not fit the model fails before any chunk runs.
            _ = CreateParser(job.InputFormat, plan.Header, entry, job.Model);
            var now = _time.GetUtcNow();
            await _store.MarkRunningAsync(job.Id, plan.RowsTotal, plan.Chunks.Count, now, cancellationToken);
            job = job with { State = BatchJobState.Running, RowsTotal = plan.RowsTotal, ChunksTotal = plan.Chunks.Count, StartedAt = job.StartedAt ?? now };
            Volatile.Write(ref _record, job);
            await LoadCheckpointsAsync(cancellationToken);
            var done = (await _store.GetCheckpointsAsync(job.Id, cancellationToken)).Select(c => c.Index).ToHashSet();
            var pending = plan.Chunks.Where(c => !done.Contains(c.Index)).ToList();
            Interlocked.Exchange(ref _rowsAtRunStart, Interlocked.Read(ref _rowsDone));
            Interlocked.Exchange(ref _runStartTimestamp, Stopwatch.GetTimestamp());
            Log.Running(_logger, job.Id, job.Model, job.Version, plan.RowsTotal, plan.Chunks.Count, pending.Count);
            CheckErrorBudget(job);

            // Chunks fan out to chunk grains, at most MaxParallelChunks at a time; each checkpoint is durable before the
            // next chunk's call, and a chunk whose call did not return is scored again on resume. A chunk's call is not
            // cancelled: when the job stops, Parallel.ForEachAsync starts no more chunks and waits for those running
            // (one chunk each), so no part is written after a cancelled job's folder is removed.
            var workDirectory = _paths.WorkDirectory(job.Id);
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.MaxParallelChunks, CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(pending, parallel, async (chunk, ct) =>
            {
                var work = new BatchChunkWork(job.Id, job.Model, job.Version, job.InputPath, job.InputFormat, job.OutputFormat, plan.Header, chunk);
                var checkpoint = await _grains.GetGrain<IBatchChunkGrain>($"{job.Id}/{chunk.Index}").ProcessAsync(work, CancellationToken.None);
                ct.ThrowIfCancellationRequested();
                await _store.CheckpointAsync(job.Id, checkpoint, ct);
                Interlocked.Add(ref _rowsDone, checkpoint.Rows);
                Interlocked.Add(ref _errors, checkpoint.Errors);
                Interlocked.Increment(ref _chunksDone);
                CheckErrorBudget(job);
            });

            await BatchOutputMerger.MergeAsync(job, workDirectory, plan.Chunks.Count, cancellationToken);
            await FinishAsync(BatchJobState.Succeeded, null, cancellationToken);
            var seconds = Stopwatch.GetElapsedTime(Interlocked.Read(ref _runStartTimestamp)).TotalSeconds;
            var rejected = Interlocked.Read(ref _errors);
            Log.Succeeded(_logger, job.Id, plan.RowsTotal, rejected, seconds);
        }
        catch (BatchJobException ex)
        {
            Log.Failed(_logger, job.Id, ex.Message);
            await TryWriteErrorsSoFarAsync();
            await FinishAsync(BatchJobState.Failed, ex.Message, CancellationToken.None);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped by cancellation (the caller records it) or by deactivation (the job resumes at the next start).
            return;
        }
        catch (Exception ex) when (IsStoreUnavailable(ex))
        {
            throw new StateStoreUnavailableException(ex.Message);
        }
        catch (Exception ex)
        {
            Log.Crashed(_logger, job.Id, ex);
            await FinishAsync(BatchJobState.Failed, $"The job failed unexpectedly: {ex.Message}", CancellationToken.None);
        }

        await NotifyAsync(cancellationToken);
    }

    /// <summary>True when <paramref name="exception"/> is, or wraps, the state store being unreachable.</summary>
    private static bool IsStoreUnavailable(Exception exception) => exception switch
    {
        StateStoreUnavailableException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsStoreUnavailable),
        _ => exception.InnerException is { } inner && IsStoreUnavailable(inner),
    };

    private async Task TryWriteErrorsSoFarAsync()
    {
        var job = Volatile.Read(ref _record)!;
        try
        {
            await BatchOutputMerger.MergeErrorsSoFarAsync(job, _paths.WorkDirectory(job.Id), CancellationToken.None);
        }
        catch (IOException ex)
        {
            Log.CleanupFailed(_logger, job.Id, ex.Message);
        }
    }

    private async Task<CatalogEntry> WaitForModelAsync(BatchJobRecord job, CancellationToken cancellationToken)
    {
        // After a restart the catalog is still being built while unfinished jobs resume.
        var started = _time.GetTimestamp();
        while (true)
        {
            if (_catalog.TryGet(job.Model, job.Version, out var entry))
            {
                return entry;
            }

            if (_time.GetElapsedTime(started) > CatalogWait)
            {
                throw new BatchJobException($"Model '{job.Model}/{job.Version}' is not registered any more.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), _time, cancellationToken);
        }
    }

    /// <summary>The row parser of a job's input: JSON Lines, or CSV with the columns its header names.</summary>
    internal static IBatchRowParser CreateParser(BatchJobFormat inputFormat, string? csvHeader, CatalogEntry entry, string model)
    {
        if (inputFormat == BatchJobFormat.JsonLines)
        {
            return new JsonLinesRowParser(entry.Vectorizer);
        }

        return CsvRowParser.Create(csvHeader!, entry.Vectorizer, model, out var error) ?? throw new BatchJobException(error!);
    }

    private void CheckErrorBudget(BatchJobRecord job)
    {
        var errors = Interlocked.Read(ref _errors);
        var budget = _options.MaxErrorsFraction * (job.RowsTotal ?? 0);
        if (errors > budget)
        {
            throw new BatchJobException(
                $"{errors} rows were rejected, more than the error budget of {budget:0.##} ({_options.MaxErrorsFraction:P1} of {job.RowsTotal} rows); see the errors file for the reasons.");
        }
    }

    private async Task FinishAsync(BatchJobState state, string? error, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var job = Volatile.Read(ref _record)!;
        await _store.FinishAsync(job.Id, state, error, now, cancellationToken);
        Volatile.Write(ref _record, job with { State = state, Error = error, FinishedAt = now });
        try
        {
            Directory.Delete(_paths.WorkDirectory(job.Id), recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (IOException ex)
        {
            Log.CleanupFailed(_logger, job.Id, ex.Message);
        }
    }

    private async Task NotifyAsync(CancellationToken cancellationToken)
    {
        var job = Volatile.Read(ref _record)!;
        if (job.CallbackUrl is null || job.Webhook != WebhookState.Pending)
        {
            return;
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(BatchJobWebhookBody.From(Status()!), BatchJobJsonContext.Default.BatchJobWebhookBody);
        BatchWebhookDeadLetter? deadLetter;
        try
        {
            deadLetter = await _webhooks.SendAsync(job.Id, job.CallbackUrl, body, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }

        if (deadLetter is null)
        {
            await _store.SetWebhookAsync(job.Id, WebhookState.Delivered, CancellationToken.None);
        }
        else
        {
            await _store.DeadLetterWebhookAsync(job.Id, deadLetter, CancellationToken.None);
            Volatile.Write(ref _deadLetter, deadLetter);
        }

        var state = deadLetter is null ? WebhookState.Delivered : WebhookState.Failed;
        Volatile.Write(ref _record, Volatile.Read(ref _record)! with { Webhook = state });
    }
}
