using Orleans;

namespace OrleansInference.Contracts.Inference;

/// <summary>A request to run one model version on a set of named input tensors.</summary>
/// <param name="Id">The caller's request id, echoed in the response (KServe <c>id</c>).</param>
/// <param name="Inputs">Input tensors by name; the outermost dimension is the batch (row) dimension.</param>
/// <param name="RequestedOutputs">Outputs to return; null or empty returns every output.</param>
/// <param name="Priority">Real-time work is batched before offline work.</param>
/// <param name="Deadline">When the caller stops waiting; a request still queued then fails with DeadlineExceeded.</param>
[GenerateSerializer]
[Alias("oi.InferenceRequest")]
public sealed record InferenceRequest(
    [property: Id(0)] string? Id,
    [property: Id(1)] IReadOnlyList<NamedTensor> Inputs,
    [property: Id(2)] IReadOnlyList<string>? RequestedOutputs = null,
    [property: Id(3)] RequestPriority Priority = RequestPriority.RealTime,
    [property: Id(4)] DateTimeOffset? Deadline = null);
