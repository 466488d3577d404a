using Orleans;
using OrleansInference.Contracts.Models;
using OrleansInference.Grid.Catalog;

namespace OrleansInference.Api.Health;

/// <summary>
/// Whether this API node can take traffic: the grid answers (the catalog grain is reachable and this node's replica
/// is current) and, where the process co-hosts a silo, its start-up has finished. A version that failed to load or
/// that an operator unloaded does not make the node unready: it answers 503 with Retry-After on its own routes, and
/// readiness lists it as degraded.
/// </summary>
internal sealed class GridReadiness(ModelCatalog catalog, IGrainFactory grains, IEnumerable<IStartupProgress> startups)
{
    /// <summary>Checks the grid now.</summary>
    public async Task<ReadinessReport> CheckAsync(CancellationToken cancellationToken)
    {
        if (startups.Any(s => !s.IsCompleted))
        {
            return new ReadinessReport(false, ["start-up is still loading models"], []);
        }

        try
        {
            await catalog.RefreshAsync(cancellationToken);
            var degraded = new List<string>();
            foreach (var model in catalog.ModelNames)
            {
                foreach (var status in await grains.GetGrain<IModelGrain>(model).GetServingStatusAsync(cancellationToken))
                {
                    if (status.State != ModelVersionState.Ready)
                    {
                        degraded.Add($"{status.Model}/{status.Version} is {status.State.ToString().ToLowerInvariant()}{(status.Error is null ? string.Empty : ": " + status.Error)}");
                    }
                }
            }

            return new ReadinessReport(true, [], degraded);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new ReadinessReport(false, [$"the grid cannot be reached: {ex.Message}"], []);
        }
    }
}

/// <summary>The outcome of a readiness check.</summary>
/// <param name="Ready">True when the node can take traffic.</param>
/// <param name="NotReady">Why not, when it cannot.</param>
/// <param name="Degraded">Versions that cannot serve now, while the node can.</param>
internal sealed record ReadinessReport(bool Ready, IReadOnlyList<string> NotReady, IReadOnlyList<string> Degraded);
