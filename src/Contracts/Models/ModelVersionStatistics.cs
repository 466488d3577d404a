namespace OrleansInference.Contracts.Models;

/// <summary>Counters of one model version on a silo, in the shape of Triton's statistics extension.</summary>
public sealed record ModelVersionStatistics(
    string Model,
    string Version,
    long LastInferenceUnixMs,
    long InferenceCount,
    long ExecutionCount,
    long SuccessCount,
    long SuccessNs,
    long FailureCount,
    long FailureNs,
    long QueueNs,
    long ComputeNs,
    IReadOnlyDictionary<int, long> BatchSizes);
