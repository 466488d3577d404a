using System.ComponentModel.DataAnnotations;

namespace OrleansInference.Grid.Experiments;

/// <summary>Experiments, shadow traffic and the prediction log. Bound from the <c>Experiments</c> configuration section.</summary>
public sealed class ExperimentOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Experiments";

    /// <summary>Predictions kept for feedback joins (oldest evicted first), 1,000 to 10,000,000. Default 100,000.</summary>
    [Range(1_000, 10_000_000)]
    public int PredictionLogCapacity { get; set; } = 100_000;

    /// <summary>Shadow copies queued at most; further copies are dropped and counted, 1 to 1,000,000. Default 1,024.</summary>
    [Range(1, 1_000_000)]
    public int ShadowQueueCapacity { get; set; } = 1_024;

    /// <summary>Shadow copies in flight at once, 1 to 64. Default 1.</summary>
    [Range(1, 64)]
    public int ShadowConcurrency { get; set; } = 1;

    /// <summary>Deadline of one shadow call in milliseconds, 1 to 600,000. Default 10,000.</summary>
    [Range(1, 600_000)]
    public int ShadowTimeoutMs { get; set; } = 10_000;

    /// <summary>How often a ramping experiment checks guardrails and step timing, in milliseconds, 10 to 3,600,000. Default 1,000.</summary>
    [Range(10, 3_600_000)]
    public int RampCheckIntervalMs { get; set; } = 1_000;
}
