using Orleans;

namespace OrleansInference.Contracts.BatchJobs;

/// <summary>A client's request for a batch job, before validation.</summary>
/// <param name="Model">The model name.</param>
/// <param name="Version">A version to pin; null for the model's serving version at submission.</param>
/// <param name="InputUri">A file under <c>BatchJobs:DataRoot</c>; exclusive with <paramref name="InlineRecords"/>.</param>
/// <param name="InlineRecords">Uploaded records, one compact JSON object per element (JSON Lines content).</param>
/// <param name="OutputUri">The output file under <c>BatchJobs:OutputRoot</c>; null for <c>{job}/output.{ext}</c>.</param>
/// <param name="Format"><c>csv</c> or <c>jsonl</c>; null to infer it from the input file's extension (JSON Lines for inline records).</param>
/// <param name="BatchSize">Rows per chunk; null for <c>BatchJobs:ChunkRows</c>.</param>
/// <param name="CallbackUrl">Where to POST the completion webhook.</param>
/// <param name="IdempotencyKey">A repeated submission with the same key, caller and body returns the first job.</param>
/// <param name="Owner">The API key that submits the job; null when the server runs without API keys.</param>
/// <param name="BodyHash">A hash of the request body, so a reused idempotency key with a different body is refused.</param>
[GenerateSerializer]
[Alias("oi.BatchJobSubmission")]
public sealed record BatchJobSubmission(
    [property: Id(0)] string? Model,
    [property: Id(1)] string? Version,
    [property: Id(2)] string? InputUri,
    [property: Id(3)] IReadOnlyList<byte[]>? InlineRecords,
    [property: Id(4)] string? OutputUri,
    [property: Id(5)] string? Format,
    [property: Id(6)] int? BatchSize,
    [property: Id(7)] string? CallbackUrl,
    [property: Id(8)] string? IdempotencyKey,
    [property: Id(9)] string? Owner = null,
    [property: Id(10)] string? BodyHash = null);
