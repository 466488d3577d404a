using OrleansInference.Api.Security;

namespace OrleansInference.Api.Metrics;

/// <summary><c>GET /metrics</c>: the OpenTelemetry Prometheus exporter (text format 0.0.4, or OpenMetrics when asked).</summary>
internal static class MetricsEndpoints
{
    public static void MapMetricsEndpoint(this IEndpointRouteBuilder app, bool anonymous) =>
        app.MapPrometheusScrapingEndpoint("/metrics")
            .WithDisplayName("Prometheus metrics")
            .ExcludeFromDescription()
            .RequireAccess(anonymous ? ApiAccess.Anonymous : ApiAccess.Admin);
}
