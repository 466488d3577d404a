using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Runtime;
using OrleansInference.Contracts.Models;
using OrleansInference.Grid.Catalog;
using OrleansInference.Grid.Repository;

namespace OrleansInference.Silo;

/// <summary>
/// Brings a silo's models up once the silo is active: builds the catalog from the repository and registry, then loads
/// and warms every serving version. Silo start does not wait for it; readiness does, and liveness answers at once.
/// </summary>
public sealed partial class SiloStartup : ILifecycleParticipant<ISiloLifecycle>, IStartupProgress, IDisposable
{
    private readonly ModelCatalog _catalog;
    private readonly IGrainFactory _grains;
    private readonly ModelRepositoryOptions _options;
    private readonly ILogger<SiloStartup> _logger;
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loading;

    public SiloStartup(ModelCatalog catalog, IGrainFactory grains, IOptions<ModelRepositoryOptions> options, ILogger<SiloStartup> logger)
    {
        _catalog = catalog;
        _grains = grains;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>True once the catalog is built and serving versions finished loading (successfully or not).</summary>
    public bool IsCompleted => _completed.Task.IsCompleted;

    /// <summary>Completes when start-up loading has finished.</summary>
    public Task Completion => _completed.Task;

    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);
        lifecycle.Subscribe(
            nameof(SiloStartup),
            ServiceLifecycleStage.Active,
            _ =>
            {
                _loading = Task.Run(() => LoadAsync(_stopping.Token), CancellationToken.None);
                return Task.CompletedTask;
            },
            async _ =>
            {
                await _stopping.CancelAsync();
                if (_loading is { } loading)
                {
                    await loading;
                }
            });
    }

    /// <inheritdoc />
    public void Dispose() => _stopping.Dispose();

    private async Task LoadAsync(CancellationToken stoppingToken)
    {
        try
        {
            await _catalog.ScanRepositoryAsync(stoppingToken);
            if (_options.LoadProductionModelsAtStartup)
            {
                foreach (var model in _catalog.ModelNames.ToList())
                {
                    foreach (var status in await _grains.GetGrain<IModelGrain>(model).LoadAsync(null, stoppingToken))
                    {
                        if (status.State == ModelVersionState.Ready)
                        {
                            Log.VersionReady(_logger, status.Model, status.Version, status.ExecutionProvider ?? "CPU");
                        }
                        else
                        {
                            Log.VersionFailed(_logger, status.Model, status.Version, status.Error ?? status.State.ToString());
                        }
                    }
                }
            }

            _completed.TrySetResult();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            _completed.TrySetCanceled(stoppingToken);
        }
        catch (Exception ex)
        {
            Log.StartupFailed(_logger, ex);
            _completed.TrySetException(ex);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "Model {Model}/{Version} is ready on {Provider}.")]
        public static partial void VersionReady(ILogger logger, string model, string version, string provider);

        [LoggerMessage(EventId = 3001, Level = LogLevel.Error, Message = "Model {Model}/{Version} failed to load: {Reason}")]
        public static partial void VersionFailed(ILogger logger, string model, string version, string reason);

        [LoggerMessage(EventId = 3002, Level = LogLevel.Critical, Message = "Silo start-up failed; no models are served.")]
        public static partial void StartupFailed(ILogger logger, Exception exception);
    }
}
