using System.Text.Json.Serialization;

namespace OrleansInference.Grains.BatchJobs;

/// <summary>Source-generated JSON for batch job payloads.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(BatchJobWebhookBody))]
public sealed partial class BatchJobJsonContext : JsonSerializerContext;
