namespace OrleansInference.Api.KServe;

/// <summary>Triton's <c>$inference_stats</c>: cumulative request counts and durations by phase.</summary>
/// <param name="Success">Successful requests, end to end.</param>
/// <param name="Fail">Failed requests, end to end.</param>
/// <param name="Queue">Time requests waited in the queue.</param>
/// <param name="ComputeInput">Time spent preparing input tensors.</param>
/// <param name="ComputeInfer">Time spent running the model.</param>
/// <param name="ComputeOutput">Time spent extracting output tensors.</param>
public sealed record TritonInferenceStatistics(
    TritonStatisticDuration Success,
    TritonStatisticDuration Fail,
    TritonStatisticDuration Queue,
    TritonStatisticDuration ComputeInput,
    TritonStatisticDuration ComputeInfer,
    TritonStatisticDuration ComputeOutput);
