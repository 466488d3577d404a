using Orleans;
using Orleans.Concurrency;
using OrleansInference.Contracts.Inference;

namespace OrleansInference.Contracts.Generation;

/// <summary>What one event of a generation stream carries.</summary>
[GenerateSerializer]
[Alias("oi.GenerationEventKind")]
public enum GenerationEventKind
{
    /// <summary>Generated text (one token, or more where text was held back to match a stop sequence).</summary>
    Token = 0,

    /// <summary>The generation finished: the reason and token usage. Always the last event of a stream that started.</summary>
    Done = 1,

    /// <summary>The generation could not start or failed: a status, a message and, for retryable ones, a delay.</summary>
    Error = 2,

    /// <summary>
    /// The version is still working on the request but has nothing to send yet (the request waits for a slot). Sent
    /// over a grain call after <see cref="GenerationEvent.AliveInterval"/> of silence, so that the caller can tell a
    /// long wait from a silo that is gone; <c>GridCalls</c> drops it, so it never reaches a client.
    /// </summary>
    Alive = 3,
}

/// <summary>One event of a generation stream: a token, the final usage, or an error.</summary>
/// <param name="Kind">What the event carries.</param>
/// <param name="Text">The generated text of a <see cref="GenerationEventKind.Token"/> event.</param>
/// <param name="Index">The position of the token among the generated ones (0 for the first).</param>
/// <param name="FinishReason">Why a <see cref="GenerationEventKind.Done"/> stream ended: <c>stop</c> or <c>length</c>.</param>
/// <param name="PromptTokens">Tokens in the prompt (on Done).</param>
/// <param name="CompletionTokens">Tokens generated (on Done).</param>
/// <param name="Status">The status of an <see cref="GenerationEventKind.Error"/> event.</param>
/// <param name="Error">The message of an Error event, naming the model.</param>
/// <param name="RetryAfter">When to retry an Error event that is retryable (queue full, unavailable).</param>
[GenerateSerializer]
[Immutable]
[Alias("oi.GenerationEvent")]
public sealed record GenerationEvent(
    [property: Id(0)] GenerationEventKind Kind,
    [property: Id(1)] string? Text = null,
    [property: Id(2)] int Index = 0,
    [property: Id(3)] string? FinishReason = null,
    [property: Id(4)] int PromptTokens = 0,
    [property: Id(5)] int CompletionTokens = 0,
    [property: Id(6)] InferenceStatus Status = InferenceStatus.Ok,
    [property: Id(7)] string? Error = null,
    [property: Id(8)] TimeSpan? RetryAfter = null)
{
    /// <summary>How long a generation stream sent over a grain call stays silent before it sends <see cref="Alive"/>.</summary>
    public static readonly TimeSpan AliveInterval = TimeSpan.FromSeconds(1);

    /// <summary>The event that says the version is still working on the request.</summary>
    public static readonly GenerationEvent Alive = new(GenerationEventKind.Alive);

    /// <summary>A token event.</summary>
    public static GenerationEvent Token(string text, int index) => new(GenerationEventKind.Token, text, index);

    /// <summary>The final event of a finished generation.</summary>
    public static GenerationEvent Done(string finishReason, int promptTokens, int completionTokens) =>
        new(GenerationEventKind.Done, FinishReason: finishReason, PromptTokens: promptTokens, CompletionTokens: completionTokens);

    /// <summary>An error event.</summary>
    public static GenerationEvent Failed(InferenceStatus status, string error, TimeSpan? retryAfter = null) =>
        new(GenerationEventKind.Error, Status: status, Error: error, RetryAfter: retryAfter);
}
