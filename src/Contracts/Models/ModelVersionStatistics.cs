using Orleans;
using Orleans.Concurrency;

namespace OrleansInference.Contracts.Models;

/// <summary>Counters of one model version on a silo, in the shape of Triton's statistics extension.</summary>
[GenerateSerializer]
[Immutable]
[Alias("oi.ModelVersionStatistics")]
public sealed record ModelVersionStatistics(
    [property: Id(0)] string Model,
    [property: Id(1)] string Version,
    [property: Id(2)] long LastInferenceUnixMs,
    [property: Id(3)] long InferenceCount,
    [property: Id(4)] long ExecutionCount,
    [property: Id(5)] long SuccessCount,
    [property: Id(6)] long SuccessNs,
    [property: Id(7)] long FailureCount,
    [property: Id(8)] long FailureNs,
    [property: Id(9)] long QueueNs,
    [property: Id(10)] long ComputeNs,
    [property: Id(11)] IReadOnlyDictionary<int, long> BatchSizes);
