using Orleans;
using Orleans.Concurrency;

namespace OrleansInference.Contracts.Inference;

/// <summary>
/// The outcome of an inference call: outputs on success, otherwise a status the boundary maps to an HTTP or gRPC
/// code (QueueFull → 429 with Retry-After, DeadlineExceeded → 504, InvalidInput → 400, NotFound → 404).
/// </summary>
[GenerateSerializer]
[Immutable]
[Alias("oi.InferenceResult")]
public sealed record InferenceResult(
    [property: Id(0)] InferenceStatus Status,
    [property: Id(1)] string ModelName,
    [property: Id(2)] string ModelVersion,
    [property: Id(3)] IReadOnlyList<NamedTensor>? Outputs = null,
    [property: Id(4)] string? Error = null,
    [property: Id(5)] TimeSpan? RetryAfter = null)
{
    /// <summary>True when <see cref="Status"/> is <see cref="InferenceStatus.Ok"/>.</summary>
    public bool IsSuccess => Status == InferenceStatus.Ok;

    /// <summary>Finds an output by name.</summary>
    public NamedTensor? FindOutput(string name)
    {
        if (Outputs is null)
        {
            return null;
        }

        foreach (var output in Outputs)
        {
            if (output.Name == name)
            {
                return output;
            }
        }

        return null;
    }
}
