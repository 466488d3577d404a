using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;

namespace OrleansInference.Api.Metrics;

/// <summary>
/// Listens to the process's meters (the serving core, ASP.NET Core hosting and Kestrel, the .NET runtime) and renders
/// them in the Prometheus text exposition format for <c>GET /metrics</c>. Created at start-up so nothing is missed.
/// </summary>
internal sealed class PrometheusMetrics : IHostedService, IDisposable
{
    private static readonly string[] MeterPrefixes = ["OrleansInference", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Runtime"];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, MetricFamily> _families = new(StringComparer.Ordinal);

    public PrometheusMetrics(IMeterFactory meterFactory)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            // Meters from this host's factory only (several hosts can share a process, as in tests); the runtime's
            // process-wide meter has no scope.
            var scope = instrument.Meter.Scope;
            if (!MeterPrefixes.Any(p => instrument.Meter.Name.StartsWith(p, StringComparison.Ordinal))
                || (scope is not null && !ReferenceEquals(scope, meterFactory)))
            {
                return;
            }

            var family = MetricFamily.Create(instrument);
            listener.EnableMeasurementEvents(instrument, _families.GetOrAdd(family.Name, family));
        };
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>(static (_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<short>(static (_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<byte>(static (_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>(static (_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<float>(static (_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<decimal>(static (_, value, tags, state) => ((MetricFamily)state!).Record((double)value, tags));
        _listener.Start();
    }

    /// <summary>The current value of every series, observable instruments read now.</summary>
    public string Render()
    {
        _listener.RecordObservableInstruments();
        var output = new StringBuilder(16 * 1024);
        foreach (var family in _families.Values.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            family.Write(output);
        }

        return output.ToString();
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _listener.Dispose();
}
