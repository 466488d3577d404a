using Orleans;

namespace OrleansInference.Contracts.Inference;

/// <summary>
/// Outcome of an inference call on the hot path. The HTTP and gRPC boundaries map it: InvalidInput → 400,
/// NotFound → 404, QueueFull → 429 with Retry-After, Cancelled → 499, Unavailable → 503, DeadlineExceeded → 504,
/// ModelFailure → 500.
/// </summary>
[GenerateSerializer]
[Alias("oi.InferenceStatus")]
public enum InferenceStatus
{
    /// <summary>The request ran and produced outputs.</summary>
    Ok = 0,

    /// <summary>The request does not match the model's inputs (shape, type, size).</summary>
    InvalidInput = 1,

    /// <summary>The model or version does not exist.</summary>
    NotFound = 2,

    /// <summary>The model version's queue is full; retry after the suggested delay.</summary>
    QueueFull = 3,

    /// <summary>The request's deadline passed before it was executed.</summary>
    DeadlineExceeded = 4,

    /// <summary>The caller cancelled the request before it was executed.</summary>
    Cancelled = 5,

    /// <summary>The model version is not serving (loading, draining, unloaded or failed to load).</summary>
    Unavailable = 6,

    /// <summary>The model failed while executing the request.</summary>
    ModelFailure = 7,
}
