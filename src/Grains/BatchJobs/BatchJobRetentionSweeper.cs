using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using OrleansInference.Contracts.BatchJobs;

namespace OrleansInference.Grains.BatchJobs;

/// <summary>
/// Every <see cref="BatchJobOptions.RetentionSweepPeriod"/>, asks each final job older than
/// <see cref="BatchJobOptions.Retention"/> to expire: the job's grain removes its files and records it
/// (<see cref="IBatchJobGrain.ExpireAsync"/>), so the job's owner of its files stays the grain.
/// </summary>
public sealed partial class BatchJobRetentionSweeper(
    BatchJobStore store, IGrainFactory grains, IOptions<BatchJobOptions> options, TimeProvider time, ILogger<BatchJobRetentionSweeper> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        using var timer = new PeriodicTimer(o.RetentionSweepPeriod, time);
        try
        {
            do
            {
                await SweepAsync(o.Retention, stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One sweep; a failure is logged and the next sweep tries again.</summary>
    private async Task SweepAsync(TimeSpan retention, CancellationToken cancellationToken)
    {
        try
        {
            var expiring = await store.ListExpiringAsync(time.GetUtcNow() - retention, cancellationToken);
            foreach (var id in expiring)
            {
                await grains.GetGrain<IBatchJobGrain>(id).ExpireAsync(cancellationToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.SweepFailed(logger, ex);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4032, Level = LogLevel.Warning, Message = "Sweeping expired batch jobs failed; the next sweep tries again.")]
        public static partial void SweepFailed(ILogger logger, Exception exception);
    }
}
