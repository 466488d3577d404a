namespace OrleansInference.Contracts.Inference;

/// <summary>
/// The outcome of an inference call: outputs on success, otherwise a status the boundary maps to an HTTP or gRPC
/// code (QueueFull → 429 with Retry-After, DeadlineExceeded → 504, InvalidInput → 400, NotFound → 404).
/// </summary>
public sealed record InferenceResult(
    InferenceStatus Status,
    string ModelName,
    string ModelVersion,
    IReadOnlyList<NamedTensor>? Outputs = null,
    string? Error = null,
    TimeSpan? RetryAfter = null)
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
