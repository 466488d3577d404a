using System.Text.Json;
using OrleansInference.Contracts.Generation;
using OrleansInference.Contracts.Inference;

namespace OrleansInference.Api.Generation;

/// <summary>Tokens of a finished generation and the count of its prompt and generated tokens.</summary>
internal readonly record struct GenerationUsage(int PromptTokens, int CompletionTokens)
{
    public void Write(Utf8JsonWriter json)
    {
        json.WriteStartObject("usage");
        json.WriteNumber("prompt_tokens", PromptTokens);
        json.WriteNumber("completion_tokens", CompletionTokens);
        json.WriteNumber("total_tokens", PromptTokens + CompletionTokens);
        json.WriteEndObject();
    }
}

/// <summary>
/// How one API speaks a generation: its refusals, its one-answer body, and the events of its stream (Server-Sent
/// Events, each event one JSON object). The project's API and the OpenAI-compatible ones differ only here.
/// </summary>
internal abstract class GenerationFormat
{
    /// <summary>Told the version the request was routed to, before anything is written.</summary>
    public virtual void Routed(string versionKey)
    {
    }

    /// <summary>Writes a refusal before anything was sent: the status, Retry-After where retryable, the body.</summary>
    public abstract Task WriteErrorAsync(HttpContext context, int status, string message, TimeSpan? retryAfter);

    /// <summary>The one-answer body.</summary>
    public abstract void WriteAnswer(Utf8JsonWriter json, string text, string finishReason, GenerationUsage usage);

    /// <summary>Events sent before the first token (none by default).</summary>
    public virtual void WriteStart(SseWriter sse)
    {
    }

    public abstract void WriteToken(SseWriter sse, string text, int index);

    public abstract void WriteDone(SseWriter sse, string finishReason, GenerationUsage usage);

    /// <summary>A failure after the stream started (the model failed or unloaded).</summary>
    public abstract void WriteStreamError(SseWriter sse, GenerationEvent error);

    /// <summary>The HTTP status of an error event's status.</summary>
    public static int StatusCode(InferenceStatus status) => Http.InferenceStatusHttp.ToStatusCode(status);
}
