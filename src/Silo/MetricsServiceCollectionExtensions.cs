using Microsoft.Extensions.Diagnostics.Metrics;
using OpenTelemetry.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OrleansInference.Grains.Telemetry;
using OrleansInference.Grid.Experiments;

namespace OrleansInference.Silo;

/// <summary>
/// Metrics through the OpenTelemetry SDK and its Prometheus exporter: the meters below are enabled on the host's
/// metrics builder and exported at <c>GET /metrics</c>, by the API and by the standalone silo's health listener alike.
/// </summary>
public static class MetricsServiceCollectionExtensions
{
    /// <summary>
    /// The exported meters: the serving core, experiments, ASP.NET Core hosting and Kestrel, Orleans' own
    /// (<c>Microsoft.Orleans</c>) and the .NET runtime's (<c>System.Runtime</c>). A meter is taken when it was created
    /// without a factory (process-wide) or through this host's <see cref="System.Diagnostics.Metrics.IMeterFactory"/>,
    /// never another host's, so several hosts in one process (as in tests) each export their own.
    /// </summary>
    public static readonly IReadOnlyList<string> Meters =
    [
        // The serving core: this silo's versions, batching, cache, generation and GPUs.
        ServingMetrics.MeterName,
        ExperimentMeter.Name,
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.Diagnostics",
        "Microsoft.Orleans",
        "System.Runtime",
    ];

    /// <summary>Enables <see cref="Meters"/> and the Prometheus exporter that <c>MapPrometheusScrapingEndpoint</c> serves.</summary>
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
