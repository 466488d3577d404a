using Microsoft.Extensions.Diagnostics.Metrics;
using OpenTelemetry.Metrics;
using OrleansInference.Grid.Experiments;

namespace OrleansInference.Api.Metrics;

/// <summary>
/// Metrics through the OpenTelemetry SDK and its Prometheus exporter: the meters below are enabled on the host's
/// metrics builder and exported at <c>GET /metrics</c>.
/// </summary>
internal static class MetricsServiceCollectionExtensions
{
    /// <summary>
    /// The exported meters: the serving core, experiments, ASP.NET Core hosting and Kestrel, Orleans' own
    /// (<c>Microsoft.Orleans</c>) and the .NET runtime's (<c>System.Runtime</c>). A meter is taken when it was created
    /// without a factory (process-wide) or through this host's <see cref="System.Diagnostics.Metrics.IMeterFactory"/>,
    /// never another host's, so several hosts in one process (as in tests) each export their own.
    /// </summary>
    internal static readonly string[] Meters =
    [
        // The serving core's meter (ServingMetrics in the grains, which the API does not reference by type).
        "OrleansInference.Serving",
        ExperimentMeter.Name,
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.Diagnostics",
        "Microsoft.Orleans",
        "System.Runtime",
    ];

    public static IServiceCollection AddInferenceMetrics(this IServiceCollection services)
    {
        services.AddMetrics(metrics =>
        {
            foreach (var meter in Meters)
            {
                metrics.EnableMetrics(meter, instrumentName: null, listenerName: null, scopes: MeterScope.Global | MeterScope.Local);
            }
        });
        services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddPrometheusExporter(prometheus =>
        {
            // Counters end in _total and names carry their unit (_seconds, _bytes), as Prometheus conventions ask.
            prometheus.DisableTotalNameSuffixForCounters = false;
            // Scrapes read the current state; no cached copy between Prometheus servers.
            prometheus.ScrapeResponseCacheDurationMilliseconds = 0;
        }));
        return services;
    }
}
