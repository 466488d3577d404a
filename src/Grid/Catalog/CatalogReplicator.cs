using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans;
using OrleansInference.Contracts.Models;

namespace OrleansInference.Grid.Catalog;

/// <summary>
/// Keeps this node's <see cref="ModelCatalog"/> current: a long poll on the catalog grain that returns as soon as the
/// catalog changes. While the grain cannot be reached (the cluster is starting, or its silo died) it retries every
/// second and the replica keeps serving its last snapshot.
/// </summary>
public sealed partial class CatalogReplicator : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan PollWait = TimeSpan.FromSeconds(10);
    private readonly ModelCatalog _catalog;
    private readonly IGrainFactory _grains;
    private readonly TimeProvider _time;
    private readonly ILogger<CatalogReplicator> _logger;

    public CatalogReplicator(ModelCatalog catalog, IGrainFactory grains, TimeProvider time, ILogger<CatalogReplicator> logger)
    {
        _catalog = catalog;
        _grains = grains;
        _time = time;
        _logger = logger;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failing = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var snapshot = await _grains.GetGrain<ICatalogGrain>(0).WaitForChangeAsync(_catalog.Revision, PollWait, stoppingToken);
                _catalog.Apply(snapshot);
                if (failing)
                {
                    failing = false;
                    Log.Recovered(_logger);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Before the first snapshot the cluster is usually still starting: not worth a warning.
                if (!failing && _catalog.IsSynced)
                {
                    Log.Unreachable(_logger, ex);
                }

                failing = true;
                try
                {
                    await Task.Delay(RetryDelay, _time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1210, Level = LogLevel.Warning, Message = "The catalog grain cannot be reached; serving the last catalog snapshot and retrying every second.")]
        public static partial void Unreachable(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 1211, Level = LogLevel.Information, Message = "The catalog grain answers again; the catalog replica is current.")]
        public static partial void Recovered(ILogger logger);
    }
}
