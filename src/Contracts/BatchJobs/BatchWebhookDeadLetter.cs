using Orleans;
using Orleans.Concurrency;

namespace OrleansInference.Contracts.BatchJobs;

/// <summary>A completion webhook that was never delivered: every attempt failed, the receiver refused it, or time ran out.</summary>
/// <param name="Url">Where it was sent.</param>
/// <param name="Attempts">Attempts made.</param>
/// <param name="LastOutcome">What the last attempt got: an HTTP status, a connection error or a timeout.</param>
/// <param name="FailedAt">When delivery was given up.</param>
[GenerateSerializer]
[Immutable]
[Alias("oi.BatchWebhookDeadLetter")]
public sealed record BatchWebhookDeadLetter(
    [property: Id(0)] string Url,
    [property: Id(1)] int Attempts,
    [property: Id(2)] string LastOutcome,
    [property: Id(3)] DateTimeOffset FailedAt);
