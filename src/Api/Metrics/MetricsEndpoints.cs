namespace OrleansInference.Api.Metrics;

/// <summary><c>GET /metrics</c>: Prometheus text exposition format 0.0.4.</summary>
internal static class MetricsEndpoints
{
    public static void MapMetricsEndpoint(this IEndpointRouteBuilder app) =>
        app.MapGet("/metrics", (PrometheusMetrics metrics) => Results.Text(metrics.Render(), "text/plain; version=0.0.4; charset=utf-8"))
            .WithSummary("Prometheus metrics: inference requests, durations, batch sizes, loaded versions, HTTP and runtime.")
            .ExcludeFromDescription();
}
