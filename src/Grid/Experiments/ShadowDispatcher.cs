using System.Buffers;
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using OrleansInference.Contracts.Experiments;
using OrleansInference.Contracts.Inference;
using OrleansInference.Contracts.Models;
using OrleansInference.Grid.Repository;

namespace OrleansInference.Grid.Experiments;

/// <summary>
/// Sends copies of live requests to shadow versions off the request path: a bounded queue (a full queue drops the copy
/// and counts it, so the primary path never waits), a few workers that call the shadow version at offline priority and
/// report whether it agreed with the primary. Shadow answers never reach a client.
/// </summary>
public sealed partial class ShadowDispatcher : BackgroundService
{
    private readonly Channel<ShadowWork> _queue;
    private readonly IGrainFactory _grains;
    private readonly GridCalls _grid;
    private readonly ExperimentMeter _meter;
    private readonly ExperimentOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ShadowDispatcher> _logger;

    public ShadowDispatcher(IGrainFactory grains, GridCalls grid, ExperimentMeter meter, IOptions<ExperimentOptions> options, TimeProvider time, ILogger<ShadowDispatcher> logger)
    {
        _grains = grains;
        _grid = grid;
        _meter = meter;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _queue = Channel.CreateBounded<ShadowWork>(new BoundedChannelOptions(_options.ShadowQueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = _options.ShadowConcurrency == 1,
        });
    }

    /// <summary>Queues a copy; false (and the buffer returned) when the queue is full.</summary>
    internal bool TryEnqueue(ShadowWork work)
    {
        if (_queue.Writer.TryWrite(work))
        {
            return true;
        }

        ArrayPool<float>.Shared.Return(work.Features);
        _meter.ShadowDropped.Add(1);
        return false;
    }

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, _options.ShadowConcurrency).Select(_ => Task.Run(() => WorkAsync(stoppingToken), stoppingToken)));

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var work in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                var outcome = await RunAsync(work, stoppingToken);
                await _grains.GetGrain<IExperimentGrain>(work.Experiment).RecordShadowAsync(outcome, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task<ShadowOutcome> RunAsync(ShadowWork work, CancellationToken stoppingToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var deadline = _time.GetUtcNow().AddMilliseconds(_options.ShadowTimeoutMs);
            var request = new PredictRequest(work.Features.AsMemory(0, work.Rows * work.Columns), work.Rows, work.Columns, RequestPriority.Offline, deadline);
            var result = await _grid.PredictAsync(ModelKeys.VersionKey(work.Model, work.Version), request, stoppingToken);
            var latency = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (result.Status != InferenceStatus.Ok || result.Rows is null || result.Rows.Count != work.Rows)
            {
                return new ShadowOutcome(false, true, false, latency);
            }

            var agreed = true;
            for (var i = 0; i < work.Rows; i++)
            {
                agreed &= result.Rows[i].Prediction.Equals(work.PrimaryPredictions[i]);
            }

            return new ShadowOutcome(false, false, agreed, latency);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            Log.ShadowFailed(_logger, work.Model, work.Version, ex);
            return new ShadowOutcome(false, true, false, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(work.Features);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4100, Level = LogLevel.Warning, Message = "Shadow call to {Model}/{Version} failed.")]
        public static partial void ShadowFailed(ILogger logger, string model, string version, Exception exception);
    }
}
