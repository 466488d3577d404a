using System.Text.Json;
using OrleansInference.Contracts.Generation;

namespace OrleansInference.Api.Generation;

/// <summary>
/// <c>POST /api/v1/generate</c>'s format: problem details for refusals; <c>{model, version, text, finish_reason,
/// usage}</c> as one answer; streamed, <c>token</c> events <c>{text, index}</c> and a final <c>done</c> event
/// <c>{finish_reason, usage}</c> (or an <c>error</c> event <c>{status, error}</c>).
/// </summary>
internal sealed class NativeGenerationFormat(string model, string? version) : GenerationFormat
{
    private string _version = version ?? string.Empty;

    public override void Routed(string versionKey) => _version = versionKey[(versionKey.LastIndexOf('/') + 1)..];

    public override async Task WriteErrorAsync(HttpContext context, int status, string message, TimeSpan? retryAfter)
    {
        GenerationHandler.SetRetryAfter(context.Response, status, retryAfter);
        await Results.Problem(message, statusCode: status).ExecuteAsync(context);
    }

    public override void WriteAnswer(Utf8JsonWriter json, string text, string finishReason, GenerationUsage usage)
    {
        json.WriteStartObject();
        json.WriteString("model", model);
        json.WriteString("version", _version);
        json.WriteString("text", text);
        json.WriteString("finish_reason", finishReason);
        usage.Write(json);
        json.WriteEndObject();
    }

    public override void WriteToken(SseWriter sse, string text, int index)
    {
        var json = sse.Begin("token");
        json.WriteStartObject();
        json.WriteString("text", text);
        json.WriteNumber("index", index);
        json.WriteEndObject();
        sse.End();
    }

    public override void WriteDone(SseWriter sse, string finishReason, GenerationUsage usage)
    {
        var json = sse.Begin("done");
        json.WriteStartObject();
        json.WriteString("model", model);
        json.WriteString("version", _version);
        json.WriteString("finish_reason", finishReason);
        usage.Write(json);
        json.WriteEndObject();
        sse.End();
    }

    public override void WriteStreamError(SseWriter sse, GenerationEvent error)
    {
        var json = sse.Begin("error");
        json.WriteStartObject();
        json.WriteNumber("status", StatusCode(error.Status));
        json.WriteString("error", error.Error);
        json.WriteEndObject();
        sse.End();
    }
}
