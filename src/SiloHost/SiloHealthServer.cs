using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using Orleans.Runtime;
using OrleansInference.Silo;
using OrleansInference.Contracts.Models;

namespace OrleansInference.SiloHost;

/// <summary>
/// The silo's health listener on <see cref="SiloHostOptions.HealthUrls"/>, for orchestrator probes: <c>/health</c>
/// answers 200 while the process runs; <c>/ready</c> answers 200 once start-up loading has finished and the silo is
/// active in the cluster's membership, 503 before and while it shuts down; <c>/metrics</c> is the silo's Prometheus
/// scrape (the meters of <see cref="MetricsServiceCollectionExtensions.Meters"/>: this silo's versions, batching,
/// cache, generation, GPUs, Orleans and the process). Nothing else is served there.
/// </summary>
public sealed partial class SiloHealthServer : IHostedService, IAsyncDisposable
{
    /// <summary>The liveness path (the same as the API's).</summary>
    public const string LivePath = "/health";

    /// <summary>The readiness path (the same as the API's).</summary>
    public const string ReadyPath = "/ready";

    /// <summary>The Prometheus scrape path (the same as the API's).</summary>
    public const string MetricsPath = "/metrics";

    private readonly SiloHostOptions _options;
    private readonly IStartupProgress _startup;
    private readonly IServiceProvider _services;
    private readonly ILogger<SiloHealthServer> _logger;
    private WebApplication? _app;
    private volatile bool _stopping;

    public SiloHealthServer(IOptions<SiloHostOptions> options, IStartupProgress startup, IServiceProvider services, ILogger<SiloHealthServer> logger)
    {
        _options = options.Value;
        _startup = startup;
        _services = services;
        _logger = logger;
    }

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(_options.HealthUrls))
        {
            return;
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(_options.HealthUrls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        var app = builder.Build();
        app.MapGet(LivePath, () => Results.Text("alive"));
        app.MapGet(ReadyPath, () => IsReady(out var reason)
            ? Results.Text("ready")
            : Results.Text(reason, statusCode: StatusCodes.Status503ServiceUnavailable));
        // The silo's own meter provider (its host's services), not one of this listener's.
        app.MapPrometheusScrapingEndpoint(MetricsPath, _services.GetRequiredService<MeterProvider>(), configureBranchedPipeline: null, optionsName: null);
        await app.StartAsync(cancellationToken);
        _app = app;
        Log.Listening(_logger, app.Urls);
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        if (_app is { } app)
        {
            await app.StopAsync(cancellationToken);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_app is { } app)
        {
            await app.DisposeAsync();
        }
    }

    private bool IsReady(out string reason)
    {
        if (_stopping)
        {
            reason = "stopping";
            return false;
        }

        if (!_startup.IsCompleted)
        {
            reason = "loading models";
            return false;
        }

        var membership = _services.GetRequiredService<IClusterMembershipService>();
        var self = _services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        var status = membership.CurrentSnapshot.GetSiloStatus(self);
        if (status != SiloStatus.Active)
        {
            reason = $"silo is {status}";
            return false;
        }

        reason = string.Empty;
        return true;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3100, Level = LogLevel.Information, Message = "Silo health probes answer on {Urls} (/health, /ready; metrics at /metrics).")]
        public static partial void Listening(ILogger logger, ICollection<string> urls);
    }
}
