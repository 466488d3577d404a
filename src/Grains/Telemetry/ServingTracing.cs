using System.Diagnostics;

namespace OrleansInference.Grains.Telemetry;

/// <summary>
/// The serving core's <see cref="ActivitySource"/>: a span per model-version call (predict or infer) and one per
/// executed batch, whose parent is the first request's span and whose links are every request's. Activities are
/// created only while a listener (an OpenTelemetry tracer provider, a test's listener) samples this source; without
/// one the request path checks <see cref="ActivitySource.HasListeners"/> and does nothing more.
/// </summary>
public static class ServingTracing
{
    /// <summary>The source's name, the same as the serving meter's.</summary>
    public const string SourceName = ServingMetrics.MeterName;

    /// <summary>The span of one call on a model version.</summary>
    public const string VersionCallName = "oi.model_version.call";

    /// <summary>The span of one executed batch (the ONNX Runtime run and its stacking and slicing).</summary>
    public const string BatchName = "oi.batch.execute";

    internal static readonly ActivitySource Source = new(SourceName);
}
