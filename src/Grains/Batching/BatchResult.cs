using OrleansInference.Contracts.Inference;

namespace OrleansInference.Grains.Batching;

/// <summary>The outcome of one batched request: a value on success, otherwise a status, a message and maybe a retry hint.</summary>
/// <param name="Status">Ok, or why the request did not run or failed.</param>
/// <param name="Value">The executor's response when <see cref="Status"/> is Ok.</param>
/// <param name="Error">A sentence describing the failure.</param>
/// <param name="RetryAfter">For QueueFull: an estimate of when the queue will have room.</param>
public readonly record struct BatchResult<T>(InferenceStatus Status, T? Value = default, string? Error = null, TimeSpan? RetryAfter = null)
{
    /// <summary>True when <see cref="Status"/> is Ok.</summary>
    public bool IsSuccess => Status == InferenceStatus.Ok;
}
