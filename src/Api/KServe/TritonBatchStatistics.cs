namespace OrleansInference.Api.KServe;

/// <summary>Triton's <c>$batch_stats</c>: executions of one batch size and their durations by phase.</summary>
/// <param name="BatchSize">The batch size.</param>
/// <param name="ComputeInput">Time spent preparing inputs for batches of this size.</param>
/// <param name="ComputeInfer">Time spent running batches of this size.</param>
/// <param name="ComputeOutput">Time spent extracting outputs of batches of this size.</param>
public sealed record TritonBatchStatistics(
    long BatchSize,
    TritonStatisticDuration ComputeInput,
    TritonStatisticDuration ComputeInfer,
    TritonStatisticDuration ComputeOutput);
