using System.Text.Json.Serialization;
using OrleansInference.Contracts.BatchJobs;

namespace OrleansInference.Api.Batch;

/// <summary>The JSON view of a batch job returned by the batch endpoints.</summary>
internal sealed record BatchJobView(
    [property: JsonPropertyName("job_id")] string JobId,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("rows_total")] long? RowsTotal,
    [property: JsonPropertyName("rows_done")] long RowsDone,
    [property: JsonPropertyName("error_count")] long ErrorCount,
    [property: JsonPropertyName("progress")] double? Progress,
    [property: JsonPropertyName("chunks_total")] int? ChunksTotal,
    [property: JsonPropertyName("chunks_done")] int ChunksDone,
    [property: JsonPropertyName("rows_per_second")] double? RowsPerSecond,
    [property: JsonPropertyName("eta_seconds")] double? EtaSeconds,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("started_at")] DateTimeOffset? StartedAt,
    [property: JsonPropertyName("finished_at")] DateTimeOffset? FinishedAt,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("status_url")] string StatusUrl,
    [property: JsonPropertyName("output_url")] string? OutputUrl,
    [property: JsonPropertyName("errors_url")] string? ErrorsUrl,
    [property: JsonPropertyName("output_path")] string? OutputPath,
    [property: JsonPropertyName("webhook")] string? Webhook,
    [property: JsonPropertyName("webhook_dead_letter")] BatchWebhookDeadLetterView? WebhookDeadLetter,
    [property: JsonPropertyName("expired_at")] DateTimeOffset? ExpiredAt)
{
    public static BatchJobView From(BatchJobStatus s)
    {
        var url = BatchJobEndpoints.StatusUrl(s.JobId);
        return new BatchJobView(
            s.JobId, s.Model, s.Version, s.ExpiredAt is null ? BatchJobStates.ToWire(s.State) : "expired", BatchJobStates.ToWire(s.Format), s.RowsTotal, s.RowsDone, s.ErrorCount,
            s.Progress is { } p ? Math.Round(p, 4) : null, s.ChunksTotal, s.ChunksDone,
            s.RowsPerSecond is { } r ? Math.Round(r, 1) : null, s.EstimatedRemaining is { } eta ? Math.Round(eta.TotalSeconds, 1) : null,
            s.CreatedAt, s.StartedAt, s.FinishedAt, s.Error, url,
            s.OutputPath is null ? null : url + "/output", s.ErrorsPath is null ? null : url + "/errors", s.OutputPath,
            s.Webhook, s.WebhookDeadLetter is { } letter ? new BatchWebhookDeadLetterView(letter.Url, letter.Attempts, letter.LastOutcome, letter.FailedAt) : null, s.ExpiredAt);
    }
}
