using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Runtime;

namespace OrleansInference.Grains.Telemetry;

/// <summary>
/// This silo's GPUs on the <see cref="ServingMetrics.MeterName"/> meter, read from NVIDIA's management library at
/// each scrape: busy fraction (<c>oi.gpu.utilization</c>), memory used and total (<c>oi.gpu.memory.used</c>,
/// <c>oi.gpu.memory.total</c>), tagged by the driver's device index. A host without the driver or without a GPU
/// reports none of them and logs why once at start.
/// </summary>
public sealed partial class GpuMetrics : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private readonly Lock _gate = new();
    private readonly NvmlLibrary? _nvml;
    private readonly int _devices;
    private bool _disposed;

    public GpuMetrics(IMeterFactory meterFactory, IOptions<GpuMetricsOptions> options, ILogger<GpuMetrics> logger)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        if (!settings.Enabled)
        {
            Log.Disabled(logger);
            return;
        }

        var path = string.IsNullOrWhiteSpace(settings.LibraryPath) ? NvmlLibrary.DefaultName : settings.LibraryPath;
        _nvml = NvmlLibrary.TryOpen(path, out var reason);
        _devices = _nvml?.DeviceCount() ?? 0;
        if (_nvml is null || _devices == 0)
        {
            Log.NoGpu(logger, _nvml is null ? reason : $"{path} reports no GPU");
            return;
        }

        var meter = meterFactory.Create(ServingMetrics.MeterName);
        meter.CreateObservableGauge("oi.gpu.utilization", ObserveUtilization, "1", "Fraction of the last sample period in which each GPU of this silo was busy (NVML).");
        meter.CreateObservableGauge("oi.gpu.memory.used", ObserveMemoryUsed, "By", "GPU memory in use on each GPU of this silo, by every process (NVML).");
        meter.CreateObservableGauge("oi.gpu.memory.total", ObserveMemoryTotal, "By", "GPU memory installed on each GPU of this silo (NVML).");
        Log.Reporting(logger, _devices, path);
    }

    /// <summary>
    /// Nothing to do at any stage: the silo resolves its lifecycle participants when it starts, which creates this
    /// object and its instruments before the first scrape.
    /// </summary>
    public void Participate(ISiloLifecycle lifecycle)
    {
    }

    /// <summary>How many GPUs are reported; 0 when GPU metrics are off or there is none.</summary>
    public int DeviceCount => _devices;

    private IEnumerable<Measurement<double>> ObserveUtilization()
    {
        var measurements = new List<Measurement<double>>(_devices);
        lock (_gate)
        {
            for (var index = 0; !_disposed && index < _devices; index++)
            {
                if (_nvml!.TryGetUtilization(index, out var busy))
                {
                    measurements.Add(new Measurement<double>(busy, Device(index)));
                }
            }
        }

        return measurements;
    }

    private IEnumerable<Measurement<long>> ObserveMemoryUsed() => ObserveMemory(total: false);

    private IEnumerable<Measurement<long>> ObserveMemoryTotal() => ObserveMemory(total: true);

    private List<Measurement<long>> ObserveMemory(bool total)
    {
        var measurements = new List<Measurement<long>>(_devices);
        lock (_gate)
        {
            for (var index = 0; !_disposed && index < _devices; index++)
            {
                if (_nvml!.TryGetMemory(index, out var usedBytes, out var totalBytes))
                {
                    measurements.Add(new Measurement<long>(total ? totalBytes : usedBytes, Device(index)));
                }
            }
        }

        return measurements;
    }

    private static KeyValuePair<string, object?> Device(int index) => new("device", index.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _nvml?.Dispose();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4300, Level = LogLevel.Information, Message = "GPU metrics are off (Telemetry:Gpu:Enabled=false).")]
        public static partial void Disabled(ILogger logger);

        [LoggerMessage(EventId = 4301, Level = LogLevel.Information, Message = "No GPU metrics on this silo: {Reason}.")]
        public static partial void NoGpu(ILogger logger, string reason);

        [LoggerMessage(EventId = 4302, Level = LogLevel.Information, Message = "Reporting utilization and memory of {Count} GPU(s) from {Library}.")]
        public static partial void Reporting(ILogger logger, int count, string library);
    }
}
