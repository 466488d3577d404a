using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using OrleansInference.Api.Http;
using OrleansInference.Contracts.Generation;

namespace OrleansInference.Api.Generation;

/// <summary>
/// OpenAI-compatible <c>/v1/completions</c>, <c>/v1/chat/completions</c> (streamed and not) and <c>/v1/models</c>, so
/// OpenAI clients work by pointing their base URL at <c>http://host:port/v1</c>. Chat messages become one prompt: each
/// message's content on its own line, then a line break (the demo model continues text; it has no chat template).
/// </summary>
internal sealed class OpenAiEndpoints(GenerationHandler handler, TextModelRoutes routes, IOptions<ApiOptions> options, TimeProvider time)
{
    public Task CompletionsAsync(HttpContext context) => HandleAsync(context, chat: false);

    public Task ChatCompletionsAsync(HttpContext context) => HandleAsync(context, chat: true);

    public async Task ModelsAsync(HttpContext context)
    {
        context.Response.ContentType = "application/json";
        await using (var json = new Utf8JsonWriter(context.Response.BodyWriter))
        {
            json.WriteStartObject();
            json.WriteString("object", "list");
            json.WriteStartArray("data");
            foreach (var model in routes.List().GroupBy(m => m.Name, StringComparer.Ordinal))
            {
                var first = model.First();
                json.WriteStartObject();
                json.WriteString("id", model.Key);
                json.WriteString("object", "model");
                json.WriteNumber("created", model.Min(m => m.Created).ToUnixTimeSeconds());
                json.WriteString("owned_by", "orleans-inference");
                json.WriteString("kind", first.Kind);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
    }

    private async Task HandleAsync(HttpContext context, bool chat)
    {
        using var body = await RequestBodyReader.ReadAsync(context.Request, options.Value.MaxRequestBodyBytes, context.RequestAborted);
        GenerationCall call;
        bool includeUsage;
        try
        {
            using var document = BodyFields.Parse(body.Memory, out var fields);
            var model = fields.RequiredString("model", "the name of a generative model (see GET /v1/models)");
            if (fields.Int("n", 1, 1, 1) != 1)
            {
                throw new BodyFieldException("'n' must be 1.");
            }

            var prompt = chat ? ChatPrompt(fields) : CompletionPrompt(fields);
            var maxTokens = fields.Has("max_completion_tokens")
                ? fields.Int("max_completion_tokens", 16, 1, 65_536)
                : fields.Int("max_tokens", chat ? 64 : 16, 1, 65_536);
            includeUsage = fields.Get("stream_options") is { ValueKind: JsonValueKind.Object } streamOptions
                && streamOptions.TryGetProperty("include_usage", out var usage) && usage.ValueKind == JsonValueKind.True;
            call = new GenerationCall(
                model,
                null,
                new GenerateRequest(
                    prompt,
                    maxTokens,
                    fields.Number("temperature", 1f, 0f, 2f),
                    fields.Int("top_k", 0, 0, 1_000_000),
                    fields.Number("top_p", 1f, float.Epsilon, 1f),
                    fields.OptionalLong("seed"),
                    fields.Strings("stop", 4)),
                fields.Bool("stream", false));
        }
        catch (BodyFieldException ex)
        {
            await OpenAiErrors.WriteAsync(context, StatusCodes.Status400BadRequest, ex.Message, null);
            return;
        }

        var id = (chat ? "chatcmpl-" : "cmpl-") + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var format = new OpenAiFormat(chat, id, time.GetUtcNow().ToUnixTimeSeconds(), call.Model, includeUsage);
        await handler.RunAsync(context, call, format);
    }

    private static string CompletionPrompt(BodyFields fields)
    {
        var prompt = fields.Strings("prompt", 1);
        if (prompt is not [{ Length: > 0 } text])
        {
            throw new BodyFieldException("'prompt' is required: one non-empty string (a list of one string is accepted).");
        }

        return text;
    }

    private static string ChatPrompt(BodyFields fields)
    {
        var messages = fields.Get("messages");
        if (messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() is 0 or > 256)
        {
            throw new BodyFieldException("'messages' is required: a list of 1 to 256 messages {role, content}.");
        }

        var prompt = new StringBuilder();
        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            if (message.ValueKind != JsonValueKind.Object
                || !message.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String
                || role.GetString() is not ("system" or "developer" or "user" or "assistant"))
            {
                throw new BodyFieldException($"'messages[{index}].role' must be system, developer, user or assistant.");
            }

            if (!message.TryGetProperty("content", out var content))
            {
                throw new BodyFieldException($"'messages[{index}].content' is required.");
            }

            if (content.ValueKind == JsonValueKind.String)
            {
                prompt.Append(content.GetString()).Append('\n');
            }
            else if (content.ValueKind == JsonValueKind.Array)
            {
                foreach (var part in content.EnumerateArray())
                {
                    if (part.ValueKind != JsonValueKind.Object || !part.TryGetProperty("type", out var type) || type.GetString() != "text"
                        || !part.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String)
                    {
                        throw new BodyFieldException($"'messages[{index}].content' parts must be {{\"type\":\"text\",\"text\":\"...\"}}; this model takes text only.");
                    }

                    prompt.Append(text.GetString());
                }

                prompt.Append('\n');
            }
            else
            {
                throw new BodyFieldException($"'messages[{index}].content' must be a string or a list of text parts.");
            }

            index++;
        }

        return prompt.ToString();
    }
}
