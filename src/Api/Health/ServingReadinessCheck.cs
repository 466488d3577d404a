using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OrleansInference.Api.Health;

/// <summary>
/// Readiness as a health check, for the standard gRPC health service (<c>grpc.health.v1</c>): SERVING when the node
/// can take traffic, as <c>/ready</c> and the v2 server-ready answer (see <see cref="GridReadiness"/>).
/// </summary>
internal sealed class ServingReadinessCheck(GridReadiness readiness) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var report = await readiness.CheckAsync(cancellationToken);
        return report.Ready ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy(string.Join("; ", report.NotReady));
    }
}
