using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans;
using OrleansInference.Contracts.BatchJobs;

namespace OrleansInference.Grains.BatchJobs;

/// <summary>
/// At start-up, resumes every unfinished job from its checkpoints and retries webhooks still pending, at once. A job's
/// resume reminder (<see cref="BatchJobGrain.ResumeReminder"/>) does the same for a job whose silo is lost while the
/// cluster runs on, up to one reminder period later.
/// </summary>
public sealed partial class BatchJobResumer(IBatchJobStore store, IGrainFactory grains, ILogger<BatchJobResumer> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            foreach (var id in await store.ListResumableAsync(stoppingToken))
            {
                var status = await grains.GetGrain<IBatchJobGrain>(id).StartAsync(stoppingToken);
                Log.Resumed(logger, id, status?.RowsDone ?? 0, status?.RowsTotal);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            Log.ResumeFailed(logger, ex);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4030, Level = LogLevel.Information, Message = "Batch job {JobId} resumed at {RowsDone} of {RowsTotal} rows.")]
        public static partial void Resumed(ILogger logger, string jobId, long rowsDone, long? rowsTotal);

        [LoggerMessage(EventId = 4031, Level = LogLevel.Error, Message = "Resuming unfinished batch jobs failed.")]
        public static partial void ResumeFailed(ILogger logger, Exception exception);
    }
}
