using Orleans;
using OrleansInference.Api.Security;
using OrleansInference.Contracts.Models;
using OrleansInference.Grains.Catalog;
using OrleansInference.Silo;

namespace OrleansInference.Api.Health;

/// <summary><c>/health</c> (the process is alive) and <c>/ready</c> (start-up done and every serving version warm).</summary>
internal static class HealthEndpoints
{
    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", () => Results.Ok(new HealthReport("alive", null))).RequireAccess(ApiAccess.Anonymous);
        app.MapGet("/ready", async (IGrainFactory grains, ModelCatalog catalog, SiloStartup startup, CancellationToken cancellationToken) =>
        {
            var (ready, notReady) = await ReadinessAsync(grains, catalog, startup, cancellationToken);
            return ready
                ? Results.Ok(new HealthReport("ready", null))
                : Results.Json(new HealthReport("not ready", notReady), statusCode: StatusCodes.Status503ServiceUnavailable);
        }).RequireAccess(ApiAccess.Anonymous);
    }

    /// <summary>True when start-up finished and every serving version of every model is ready; otherwise what is not.</summary>
    public static async Task<(bool Ready, List<string> NotReady)> ReadinessAsync(
        IGrainFactory grains, ModelCatalog catalog, SiloStartup startup, CancellationToken cancellationToken)
    {
        var notReady = new List<string>();
        if (!startup.IsCompleted)
        {
            notReady.Add("start-up is still loading models");
            return (false, notReady);
        }

        foreach (var model in catalog.ModelNames)
        {
            foreach (var status in await grains.GetGrain<IModelGrain>(model).GetServingStatusAsync(cancellationToken))
            {
                if (status.State != ModelVersionState.Ready)
                {
                    notReady.Add($"{status.Model}/{status.Version} is {status.State.ToString().ToLowerInvariant()}{(status.Error is null ? string.Empty : ": " + status.Error)}");
                }
            }
        }

        return (notReady.Count == 0, notReady);
    }

    private sealed record HealthReport(string Status, IReadOnlyList<string>? NotReady);
}
