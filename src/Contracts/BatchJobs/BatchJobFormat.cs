using Orleans;

namespace OrleansInference.Contracts.BatchJobs;

/// <summary>The file formats a batch job reads and writes.</summary>
[GenerateSerializer]
[Alias("oi.BatchJobFormat")]
public enum BatchJobFormat
{
    /// <summary>Comma-separated values with a header row; one record per line.</summary>
    Csv,

    /// <summary>JSON Lines: one JSON object per line.</summary>
    JsonLines,
}
