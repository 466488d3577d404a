using OrleansInference.Api.Security;

namespace OrleansInference.Api.Metrics;

/// <summary><c>GET /metrics</c>: Prometheus text exposition format 0.0.4.</summary>
internal static class MetricsEndpoints
{
    public static void MapMetricsEndpoint(this IEndpointRouteBuilder app, bool anonymous) =>
        app.MapGet("/metrics", (PrometheusMetrics metrics) => Results.Text(metrics.Render(), "text/plain; version=0.0.4; charset=utf-8"))
            .WithSummary("Prometheus metrics: inference requests, durations, batch sizes, loaded versions, HTTP and runtime.")
            .ExcludeFromDescription()
            .RequireAccess(anonymous ? ApiAccess.Anonymous : ApiAccess.Admin);
}
