using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrleansInference.Grains.Telemetry;

namespace OrleansInference.Grains.Tests.Telemetry;

/// <summary>
/// GPU metrics through NVIDIA's management library: read from a stand-in library compiled here (fake_nvml.c, two GPUs
/// with fixed readings; this host has no GPU), and off with a reason when the library is not NVML.
/// </summary>
public sealed class GpuMetricsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("oi-nvml-").FullName;
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    [Fact]
    public void ReportsEachGpusUtilizationAndMemory_FromNvml()
    {
        var library = CompileFakeNvml();
        using var gpus = new GpuMetrics(_services.GetRequiredService<IMeterFactory>(), Options.Create(new GpuMetricsOptions { LibraryPath = library }), NullLogger<GpuMetrics>.Instance);
        Assert.Equal(2, gpus.DeviceCount);

        var readings = Observe();
        Assert.Equal(0.37, readings[("oi.gpu.utilization", "0")], 6);
        Assert.Equal(0.90, readings[("oi.gpu.utilization", "1")], 6);
        Assert.Equal(1L << 30, readings[("oi.gpu.memory.used", "0")]);
        Assert.Equal(2L << 30, readings[("oi.gpu.memory.used", "1")]);
        Assert.Equal(80L << 30, readings[("oi.gpu.memory.total", "0")]);
        Assert.Equal(80L << 30, readings[("oi.gpu.memory.total", "1")]);
        Assert.Equal(6, readings.Count);

        // After shutdown (the silo stopping) a scrape reads nothing instead of calling into a closed library.
        gpus.Dispose();
        Assert.Empty(Observe());
    }

    [Fact]
    public void ALibraryThatIsNotNvml_LeavesGpuMetricsOff()
    {
        var notNvml = Path.Combine(_folder, "libnot-nvml.so");
        Compile("int something_else(void) { return 0; }", notNvml);
        using var gpus = new GpuMetrics(_services.GetRequiredService<IMeterFactory>(), Options.Create(new GpuMetricsOptions { LibraryPath = notNvml }), NullLogger<GpuMetrics>.Instance);
        Assert.Equal(0, gpus.DeviceCount);
        Assert.Empty(Observe());
    }

    [Fact]
    public void Disabled_ReadsNoLibrary()
    {
        var library = CompileFakeNvml();
        using var gpus = new GpuMetrics(_services.GetRequiredService<IMeterFactory>(), Options.Create(new GpuMetricsOptions { Enabled = false, LibraryPath = library }), NullLogger<GpuMetrics>.Instance);
        Assert.Equal(0, gpus.DeviceCount);
        Assert.Empty(Observe());
    }

    [Fact]
    public void AMissingLibraryPath_FailsValidationNamingTheKey()
    {
        var missing = Path.Combine(_folder, "absent", "libnvidia-ml.so.1");
        var result = new GpuMetricsOptionsValidator().Validate(null, new GpuMetricsOptions { LibraryPath = missing });
        Assert.True(result.Failed);
        Assert.Contains("Telemetry:Gpu:LibraryPath", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains(missing, result.FailureMessage, StringComparison.Ordinal);
        Assert.True(new GpuMetricsOptionsValidator().Validate(null, new GpuMetricsOptions()).Succeeded);
    }

    private Dictionary<(string Instrument, string Device), double> Observe()
    {
        var readings = new Dictionary<(string, string), double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ServingMetrics.MeterName && instrument.Name.StartsWith("oi.gpu.", StringComparison.Ordinal)
                && instrument.Meter.Scope == _services.GetRequiredService<IMeterFactory>())
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => readings[(instrument.Name, DeviceOf(tags))] = value);
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => readings[(instrument.Name, DeviceOf(tags))] = value);
        listener.Start();
        listener.RecordObservableInstruments();
        return readings;
    }

    private static string DeviceOf(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "device")
            {
                return (string)tag.Value!;
            }
        }

        throw new InvalidOperationException("A GPU measurement without a device tag.");
    }

    private string CompileFakeNvml()
    {
        var library = Path.Combine(_folder, "libnvidia-ml.so.1");
        Compile(File.ReadAllText(Path.Combine(RepositoryRoot.Models(), "..", "tests", "Grains.Tests", "Telemetry", "fake_nvml.c")), library);
        return library;
    }

    private void Compile(string source, string library)
    {
        var file = Path.Combine(_folder, Path.GetFileNameWithoutExtension(library) + ".c");
        File.WriteAllText(file, source);
        using var gcc = Process.Start(new ProcessStartInfo("gcc", ["-shared", "-fPIC", "-O1", "-o", library, file]) { RedirectStandardError = true })!;
        var errors = gcc.StandardError.ReadToEnd();
        gcc.WaitForExit();
        Assert.True(gcc.ExitCode == 0, $"gcc failed: {errors}");
    }

    public void Dispose()
    {
        _services.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
