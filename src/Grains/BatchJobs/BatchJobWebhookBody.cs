using System.Text.Json.Serialization;
using OrleansInference.Contracts.BatchJobs;

namespace OrleansInference.Grains.BatchJobs;

/// <summary>The JSON body of a completion webhook.</summary>
public sealed record BatchJobWebhookBody(
    [property: JsonPropertyName("job_id")] string JobId,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("rows_total")] long? RowsTotal,
    [property: JsonPropertyName("rows_done")] long RowsDone,
    [property: JsonPropertyName("error_count")] long ErrorCount,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("finished_at")] DateTimeOffset? FinishedAt,
    [property: JsonPropertyName("output_path")] string? OutputPath,
    [property: JsonPropertyName("errors_path")] string? ErrorsPath)
{
    /// <summary>The body for a final status.</summary>
    public static BatchJobWebhookBody From(BatchJobStatus s) =>
        new(s.JobId, BatchJobStates.ToWire(s.State), s.Model, s.Version, s.RowsTotal, s.RowsDone, s.ErrorCount, s.Error, s.FinishedAt, s.OutputPath, s.ErrorsPath);
}
