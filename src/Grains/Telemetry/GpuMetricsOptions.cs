namespace OrleansInference.Grains.Telemetry;

/// <summary>Per-silo GPU metrics. Bound from the <c>Telemetry:Gpu</c> configuration section.</summary>
public sealed class GpuMetricsOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Telemetry:Gpu";

    /// <summary>Whether the silo reports its GPUs' utilization and memory when NVIDIA's driver is installed. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Where NVIDIA's management library is; null or empty: the driver's own (<c>libnvidia-ml.so.1</c>, found by the
    /// loader). A path that is given must exist.
    /// </summary>
    public string? LibraryPath { get; set; }
}
