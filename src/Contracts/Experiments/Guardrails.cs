using Orleans;
using Orleans.Concurrency;

namespace OrleansInference.Contracts.Experiments;

/// <summary>Limits a canary must stay within; checked only once the candidate has <paramref name="MinSamples"/> requests.</summary>
/// <param name="MaxErrorRateIncrease">Largest allowed candidate error rate minus baseline error rate, 0 to 1 (0.02 = two points).</param>
/// <param name="MaxP99LatencyMs">Largest allowed candidate p99 latency in milliseconds; null for no absolute limit.</param>
/// <param name="MaxP99Ratio">Largest allowed candidate p99 over baseline p99; null for no relative limit.</param>
/// <param name="MinSamples">Candidate requests since the ramp started before any guardrail is evaluated.</param>
[GenerateSerializer]
[Immutable]
[Alias("oi.Guardrails")]
public sealed record Guardrails([property: Id(0)] double MaxErrorRateIncrease = 0.02, [property: Id(1)] double? MaxP99LatencyMs = null, [property: Id(2)] double? MaxP99Ratio = null, [property: Id(3)] int MinSamples = 100);
