using System.Text.Json;
using OrleansInference.Contracts.Generation;

namespace OrleansInference.Api.Generation;

/// <summary>OpenAI's error body, <c>{"error": {"message", "type", "param", "code"}}</c>, for the <c>/v1</c> endpoints.</summary>
internal static class OpenAiErrors
{
    public static async Task WriteAsync(HttpContext context, int status, string message, TimeSpan? retryAfter, string? param = null)
    {
        GenerationHandler.SetRetryAfter(context.Response, status, retryAfter);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await using (var json = new Utf8JsonWriter(context.Response.BodyWriter, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteStartObject("error");
            json.WriteString("message", message);
            json.WriteString("type", status switch
            {
                StatusCodes.Status400BadRequest or StatusCodes.Status404NotFound => "invalid_request_error",
                StatusCodes.Status429TooManyRequests => "rate_limit_error",
                _ => "server_error",
            });
            if (param is null)
            {
                json.WriteNull("param");
            }
            else
            {
                json.WriteString("param", param);
            }

            json.WriteString("code", status switch
            {
                StatusCodes.Status404NotFound => "model_not_found",
                StatusCodes.Status429TooManyRequests => "rate_limit_exceeded",
                _ => null,
            });
            json.WriteEndObject();
            json.WriteEndObject();
        }

        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
    }
}

/// <summary>
/// OpenAI's legacy completions (<c>text_completion</c>) and chat completions (<c>chat.completion</c>, streamed as
/// <c>chat.completion.chunk</c>): every chunk a <c>data:</c> line, the stream ended by <c>data: [DONE]</c>; with
/// <c>stream_options.include_usage</c>, a last chunk with empty <c>choices</c> and the usage.
/// </summary>
internal sealed class OpenAiFormat(bool chat, string id, long created, string model, bool includeUsage) : GenerationFormat
{
    public override Task WriteErrorAsync(HttpContext context, int status, string message, TimeSpan? retryAfter) =>
        OpenAiErrors.WriteAsync(context, status, message, retryAfter);

    public override void WriteAnswer(Utf8JsonWriter json, string text, string finishReason, GenerationUsage usage)
    {
        Header(json, chat ? "chat.completion" : "text_completion");
        json.WriteStartArray("choices");
        json.WriteStartObject();
        json.WriteNumber("index", 0);
        if (chat)
        {
            json.WriteStartObject("message");
            json.WriteString("role", "assistant");
            json.WriteString("content", text);
            json.WriteNull("refusal");
            json.WriteEndObject();
        }
        else
        {
            json.WriteString("text", text);
        }

        json.WriteNull("logprobs");
        json.WriteString("finish_reason", finishReason);
        json.WriteEndObject();
        json.WriteEndArray();
        usage.Write(json);
        json.WriteEndObject();
    }

    public override void WriteStart(SseWriter sse)
    {
        if (chat)
        {
            // The first chat chunk names the role, as OpenAI's does.
            Chunk(sse, null, null, role: true);
        }
    }

    public override void WriteToken(SseWriter sse, string text, int index) => Chunk(sse, text, null, role: false);

    public override void WriteDone(SseWriter sse, string finishReason, GenerationUsage usage)
    {
        Chunk(sse, null, finishReason, role: false);
        if (includeUsage)
        {
            var json = sse.Begin();
            Header(json, chat ? "chat.completion.chunk" : "text_completion");
            json.WriteStartArray("choices");
            json.WriteEndArray();
            usage.Write(json);
            json.WriteEndObject();
            sse.End();
        }

        sse.Literal("[DONE]");
    }

    public override void WriteStreamError(SseWriter sse, GenerationEvent error)
    {
        // As OpenAI does mid-stream: an error object in a data line, then the end of the stream.
        var json = sse.Begin();
        json.WriteStartObject();
        json.WriteStartObject("error");
        json.WriteString("message", error.Error);
        json.WriteString("type", "server_error");
        json.WriteNull("param");
        json.WriteNull("code");
        json.WriteEndObject();
        json.WriteEndObject();
        sse.End();
        sse.Literal("[DONE]");
    }

    private void Chunk(SseWriter sse, string? text, string? finishReason, bool role)
    {
        var json = sse.Begin();
        Header(json, chat ? "chat.completion.chunk" : "text_completion");
        json.WriteStartArray("choices");
        json.WriteStartObject();
        json.WriteNumber("index", 0);
        if (chat)
        {
            json.WriteStartObject("delta");
            if (role)
            {
                json.WriteString("role", "assistant");
                json.WriteString("content", string.Empty);
            }
            else if (text is not null)
            {
                json.WriteString("content", text);
            }

            json.WriteEndObject();
        }
        else
        {
            json.WriteString("text", text ?? string.Empty);
        }

        json.WriteNull("logprobs");
        if (finishReason is null)
        {
            json.WriteNull("finish_reason");
        }
        else
        {
            json.WriteString("finish_reason", finishReason);
        }

        json.WriteEndObject();
        json.WriteEndArray();
        if (includeUsage)
        {
            json.WriteNull("usage");
        }

        json.WriteEndObject();
        sse.End();
    }

    private void Header(Utf8JsonWriter json, string type)
    {
        json.WriteStartObject();
        json.WriteString("id", id);
        json.WriteString("object", type);
        json.WriteNumber("created", created);
        json.WriteString("model", model);
        json.WriteNull("system_fingerprint");
    }
}
