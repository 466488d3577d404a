using System.Text.Json.Serialization;

namespace OrleansInference.Api.Batch;

/// <summary>The JSON view of a webhook that was never delivered (<c>webhook_dead_letter</c> of a job).</summary>
internal sealed record BatchWebhookDeadLetterView(
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("attempts")] int Attempts,
    [property: JsonPropertyName("last_outcome")] string LastOutcome,
    [property: JsonPropertyName("failed_at")] DateTimeOffset FailedAt);
