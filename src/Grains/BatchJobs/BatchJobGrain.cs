using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Runtime;
using OrleansInference.Contracts.BatchJobs;
using OrleansInference.Grid.Catalog;

namespace OrleansInference.Grains.BatchJobs;

/// <summary>
/// One batch job (key: job id). The store holds the job's definition, outcome and chunk checkpoints; this activation
/// runs the job in the background (not as a turn, so status reads and cancellation are never blocked by it: the job's
/// own calls to its chunk grains never wait for this activation's turn, which is why it needs no reentrancy) and keeps
/// itself from idle collection while it runs. Deactivation (shutdown) stops the workers without changing the job's
/// state, so the next start resumes it from its checkpoints. While a job is unfinished or its webhook pending, a
/// durable reminder (<see cref="ResumeReminder"/>) reactivates the grain wherever the cluster places it and resumes the
/// job if its silo was lost; the reminder is removed once the job is final and its webhook settled. A started job that
/// activates anywhere else (a status read after its silo was lost) resumes at once, without waiting for the tick.
/// </summary>
public sealed partial class BatchJobGrain : Grain, IBatchJobGrain, IRemindable
{
    /// <summary>The name of the reminder that resumes an unsettled job.</summary>
    public const string ResumeReminder = "resume";

    private readonly IBatchJobStore _store;
    private readonly IGrainFactory _grains;
    private readonly BatchJobPaths _paths;
    private readonly ModelCatalog _catalog;
    private readonly BatchWebhookSender _webhooks;
    private readonly BatchJobOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<BatchJobGrain> _logger;
    private string? _jobId;
    private BatchJobRecord? _record;
    private BatchWebhookDeadLetter? _deadLetter;
    private Task? _run;
    private CancellationTokenSource? _runCancellation;
    private IDisposable? _keepAlive;
    private bool _reminderRegistered;
    private long _rowsDone;
    private long _errors;
    private int _chunksDone;
    private long _rowsAtRunStart;
    private long _runStartTimestamp;

    public BatchJobGrain(
        IBatchJobStore store, IGrainFactory grains, BatchJobPaths paths, ModelCatalog catalog, BatchWebhookSender webhooks,
        IOptions<BatchJobOptions> options, TimeProvider time, ILogger<BatchJobGrain> logger)
    {
        _store = store;
        _grains = grains;
        _paths = paths;
        _catalog = catalog;
        _webhooks = webhooks;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    private string JobId => _jobId ??= this.GetPrimaryKeyString();

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _record = await _store.GetAsync(JobId, cancellationToken);
        if (_record is not null)
        {
            await LoadCheckpointsAsync(cancellationToken);
            if (_record.Webhook == WebhookState.Failed)
            {
                _deadLetter = await _store.GetWebhookDeadLetterAsync(JobId, cancellationToken);
            }

            if (!IsSettled(_record) && _record.State != BatchJobState.Queued)
            {
                // An unsettled job activating here (its silo was lost and a status read, a retry or its reminder woke
                // it) resumes from its checkpoints at once instead of at its reminder's next tick.
                var rowsDone = Interlocked.Read(ref _rowsDone);
                Log.ResumedAtActivation(_logger, JobId, rowsDone, _record.RowsTotal);
                await StartAsync(cancellationToken);
            }
        }
    }

    /// <inheritdoc />
    public async Task<BatchJobStatus?> StartAsync(CancellationToken cancellationToken)
    {
        _record ??= await _store.GetAsync(JobId, cancellationToken);
        if (_record is null)
        {
            return null;
        }

        if (_run is null || _run.IsCompleted)
        {
            var final = Status()!.IsFinal;
            if (!final || _record.Webhook == WebhookState.Pending)
            {
                await RegisterResumeReminderAsync();
                _runCancellation?.Dispose();
                _runCancellation = new CancellationTokenSource();
                var token = _runCancellation.Token;
                _keepAlive ??= this.RegisterGrainTimer(KeepAliveAsync, TimeSpan.Zero, TimeSpan.FromSeconds(30));
                _run = final ? Task.Run(() => NotifyAsync(token), CancellationToken.None) : Task.Run(() => RunAsync(token), CancellationToken.None);
                _ = RemoveResumeReminderAfterAsync(_run);
            }
        }

        return Status();
    }

    /// <inheritdoc />
    public async Task<BatchJobStatus?> GetStatusAsync(CancellationToken cancellationToken)
    {
        _record ??= await _store.GetAsync(JobId, cancellationToken);
        return Status();
    }

    /// <inheritdoc />
    public async Task<BatchJobStatus?> CancelAsync(CancellationToken cancellationToken)
    {
        _record ??= await _store.GetAsync(JobId, cancellationToken);
        if (_record is null || Status()!.IsFinal)
        {
            return Status();
        }

        await StopRunAsync(cancellationToken);
        if (Volatile.Read(ref _record)!.State is BatchJobState.Queued or BatchJobState.Running)
        {
            await FinishAsync(BatchJobState.Cancelled, "The job was cancelled by a client.", cancellationToken);
            var rows = Interlocked.Read(ref _rowsDone);
            Log.Cancelled(_logger, JobId, rows);
            if (_record.CallbackUrl is not null)
            {
                await StartAsync(cancellationToken);
            }
        }

        await RemoveResumeReminderIfSettledAsync();
        return Status();
    }

    /// <inheritdoc />
    public async Task<BatchJobStatus?> ExpireAsync(CancellationToken cancellationToken)
    {
        _record ??= await _store.GetAsync(JobId, cancellationToken);
        var record = Volatile.Read(ref _record);
        if (record is null
            || record.ExpiredAt is not null
            || record.State is BatchJobState.Queued or BatchJobState.Running
            || record.Webhook == WebhookState.Pending
            || record.FinishedAt is not { } finished
            || _time.GetUtcNow() - finished < _options.Retention)
        {
            return Status();
        }

        // The job's own files only: its merged output, rejected rows and working folder (uploaded input, parts).
        File.Delete(record.OutputPath);
        File.Delete(record.ErrorsPath);
        var work = _paths.WorkDirectory(JobId);
        if (Directory.Exists(work))
        {
            Directory.Delete(work, recursive: true);
        }

        var now = _time.GetUtcNow();
        await _store.MarkExpiredAsync(JobId, now, cancellationToken);
        Volatile.Write(ref _record, record with { ExpiredAt = now });
        Log.Expired(_logger, JobId, finished, _options.Retention);
        return Status();
    }

    /// <summary>The resume reminder's tick: resumes the job from its checkpoints unless it runs here already.</summary>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ResumeReminder)
        {
            return;
        }

        _record ??= await _store.GetAsync(JobId, CancellationToken.None);
        if (IsSettled(_record))
        {
            await RemoveResumeReminderIfSettledAsync();
            return;
        }

        if (_run is null || _run.IsCompleted)
        {
            var rowsDone = Interlocked.Read(ref _rowsDone);
            Log.ResumedByReminder(_logger, JobId, rowsDone, _record!.RowsTotal);
            await StartAsync(CancellationToken.None);
        }
    }

    /// <inheritdoc />
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _keepAlive?.Dispose();
        await StopRunAsync(cancellationToken);
        _runCancellation?.Dispose();
    }

    private async Task StopRunAsync(CancellationToken cancellationToken)
    {
        if (_run is { IsCompleted: false } run)
        {
            await _runCancellation!.CancelAsync();
            try
            {
                await run.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }
        }
    }

    /// <summary>A job that no longer needs resuming: unknown, or final with no webhook left to deliver.</summary>
    private static bool IsSettled(BatchJobRecord? record) =>
        record is null || (record.State is not (BatchJobState.Queued or BatchJobState.Running) && record.Webhook != WebhookState.Pending);

    private async Task RegisterResumeReminderAsync()
    {
        if (_reminderRegistered)
        {
            return;
        }

        try
        {
            await this.RegisterOrUpdateReminder(ResumeReminder, _options.ResumeReminderPeriod, _options.ResumeReminderPeriod);
            _reminderRegistered = true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The job still runs; the start-up resumer covers a restart of this process, and the next start retries.
            Log.ReminderFailed(_logger, JobId, "register", ex.Message);
        }
    }

    /// <summary>Runs on the activation once <paramref name="run"/> ends; a newer run owns the reminder instead.</summary>
    private async Task RemoveResumeReminderAfterAsync(Task run)
    {
        await run.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        if (ReferenceEquals(run, _run))
        {
            await RemoveResumeReminderIfSettledAsync();
        }
    }

    private async Task RemoveResumeReminderIfSettledAsync()
    {
        if (!IsSettled(Volatile.Read(ref _record)))
        {
            return;
        }

        try
        {
            if (await this.GetReminder(ResumeReminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }

            _reminderRegistered = false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The reminder's next tick finds the job settled and tries again.
            Log.ReminderFailed(_logger, JobId, "remove", ex.Message);
        }
    }

    private Task KeepAliveAsync(CancellationToken cancellationToken)
    {
        if (_run is { IsCompleted: false })
        {
            DelayDeactivation(TimeSpan.FromMinutes(2));
        }

        return Task.CompletedTask;
    }

    private async Task LoadCheckpointsAsync(CancellationToken cancellationToken)
    {
        var checkpoints = await _store.GetCheckpointsAsync(JobId, cancellationToken);
        Interlocked.Exchange(ref _rowsDone, checkpoints.Sum(c => (long)c.Rows));
        Interlocked.Exchange(ref _errors, checkpoints.Sum(c => (long)c.Errors));
        Volatile.Write(ref _chunksDone, checkpoints.Count);
    }

    private static string WebhookWire(WebhookState state) => state switch
    {
        WebhookState.None => "none",
        WebhookState.Pending => "pending",
        WebhookState.Delivered => "delivered",
        _ => "failed",
    };

    private BatchJobStatus? Status()
    {
        var r = Volatile.Read(ref _record);
        if (r is null)
        {
            return null;
        }

        var done = Interlocked.Read(ref _rowsDone);
        double? rate = null;
        TimeSpan? eta = null;
        var started = Interlocked.Read(ref _runStartTimestamp);
        if (r.State == BatchJobState.Running && started != 0)
        {
            var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var rows = done - Interlocked.Read(ref _rowsAtRunStart);
            if (rows > 0 && elapsed > 0)
            {
                rate = rows / elapsed;
                eta = r.RowsTotal is { } total ? TimeSpan.FromSeconds(Math.Max(0, total - done) / rate.Value) : null;
            }
        }

        var succeeded = r.State == BatchJobState.Succeeded && r.ExpiredAt is null;
        var errorsPath = succeeded || (r.State == BatchJobState.Failed && r.ExpiredAt is null && File.Exists(r.ErrorsPath)) ? r.ErrorsPath : null;
        return new BatchJobStatus(
            r.Id, r.Model, r.Version, r.State, r.OutputFormat, r.RowsTotal, done, Interlocked.Read(ref _errors), r.ChunksTotal,
            Volatile.Read(ref _chunksDone), rate, eta, r.CreatedAt, r.StartedAt, r.FinishedAt, r.Error,
            succeeded ? r.OutputPath : null, errorsPath, r.Owner, WebhookWire(r.Webhook), Volatile.Read(ref _deadLetter), r.ExpiredAt);
    }
}
