namespace OrleansInference.Api.KServe;

/// <summary>Triton's <c>$duration_stat</c>: how many times something happened and the total time it took.</summary>
/// <param name="Count">Number of occurrences.</param>
/// <param name="Ns">Total duration, in nanoseconds.</param>
public sealed record TritonStatisticDuration(long Count, long Ns);
