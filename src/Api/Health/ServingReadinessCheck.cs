using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans;
using OrleansInference.Grains.Catalog;
using OrleansInference.Silo;

namespace OrleansInference.Api.Health;

/// <summary>
/// Readiness as a health check, for the standard gRPC health service (<c>grpc.health.v1</c>): SERVING when start-up
/// finished and every serving version is warm, as <c>/ready</c> and the v2 server-ready answer.
/// </summary>
internal sealed class ServingReadinessCheck(IGrainFactory grains, ModelCatalog catalog, SiloStartup startup) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var (ready, notReady) = await HealthEndpoints.ReadinessAsync(grains, catalog, startup, cancellationToken);
        return ready ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy(string.Join("; ", notReady));
    }
}
