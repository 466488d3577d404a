using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Extensions.Options;
using OrleansInference.Api.Http;
using OrleansInference.Contracts.Generation;
using OrleansInference.Contracts.Inference;
using OrleansInference.Contracts.Models;

namespace OrleansInference.Api.Generation;

/// <summary>
/// <c>POST /api/v1/embed {model, version?, inputs: [...], normalize?}</c> → <c>{model, version, embeddings,
/// dimensions, usage}</c>, and OpenAI's <c>POST /v1/embeddings {model, input, encoding_format?}</c>. Texts go to the
/// embedding version's dynamic batcher, so concurrent requests share model runs.
/// </summary>
internal sealed class EmbedEndpoints(GridCalls grid, TextModelRoutes routes, IOptions<ApiOptions> options)
{
    /// <summary>Most texts one request may embed.</summary>
    public const int MaxInputs = 256;

    public async Task EmbedAsync(HttpContext context)
    {
        using var body = await RequestBodyReader.ReadAsync(context.Request, options.Value.MaxRequestBodyBytes, context.RequestAborted);
        string model;
        string? version;
        EmbedRequest request;
        try
        {
            using var document = BodyFields.Parse(body.Memory, out var fields);
            model = fields.RequiredString("model", "the name of an embedding model (see GET /v1/models)");
            version = fields.OptionalString("version");
            var inputs = fields.Get("inputs");
            if (inputs.ValueKind != JsonValueKind.Array || inputs.GetArrayLength() is 0 or > MaxInputs)
            {
                throw new BodyFieldException($"'inputs' is required: a list of 1 to {MaxInputs} texts.");
            }

            request = new EmbedRequest(fields.Strings("inputs", MaxInputs)!, fields.Bool("normalize", true));
        }
        catch (BodyFieldException ex)
        {
            await Problems.BadRequest(ex.Message).ExecuteAsync(context);
            return;
        }

        var result = await RunAsync(model, version, request, context.RequestAborted);
        if (result.Status != InferenceStatus.Ok)
        {
            InferenceStatusHttp.SetRetryAfter(context.Response, result.Status, result.RetryAfter);
            await Problems.ForStatus(result.Status, result.Error ?? $"Model '{model}' failed.").ExecuteAsync(context);
            return;
        }

        context.Response.ContentType = "application/json";
        await using (var json = new Utf8JsonWriter(context.Response.BodyWriter))
        {
            json.WriteStartObject();
            json.WriteString("model", result.ModelName);
            json.WriteString("version", result.ModelVersion);
            json.WriteNumber("dimensions", result.Dimensions);
            json.WriteStartArray("embeddings");
            foreach (var embedding in result.Embeddings!)
            {
                json.WriteStartArray();
                foreach (var value in embedding)
                {
                    json.WriteNumberValue(value);
                }

                json.WriteEndArray();
            }

            json.WriteEndArray();
            json.WriteStartObject("usage");
            json.WriteNumber("prompt_tokens", result.PromptTokens);
            json.WriteNumber("total_tokens", result.PromptTokens);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
    }

    public async Task OpenAiEmbeddingsAsync(HttpContext context)
    {
        using var body = await RequestBodyReader.ReadAsync(context.Request, options.Value.MaxRequestBodyBytes, context.RequestAborted);
        string model;
        bool base64;
        EmbedRequest request;
        try
        {
            using var document = BodyFields.Parse(body.Memory, out var fields);
            model = fields.RequiredString("model", "the name of an embedding model (see GET /v1/models)");
            var input = fields.Get("input");
            if (input.ValueKind == JsonValueKind.Array && input.EnumerateArray().Any(i => i.ValueKind != JsonValueKind.String))
            {
                throw new BodyFieldException("'input' must be text: a string or a list of strings (token arrays are not accepted).");
            }

            var texts = fields.Strings("input", MaxInputs);
            if (texts is not { Count: > 0 })
            {
                throw new BodyFieldException($"'input' is required: a string or a list of 1 to {MaxInputs} strings.");
            }

            base64 = fields.OptionalString("encoding_format") switch
            {
                null or "float" => false,
                "base64" => true,
                var other => throw new BodyFieldException($"'encoding_format' is '{other}'; expected float or base64."),
            };
            if (fields.Has("dimensions"))
            {
                throw new BodyFieldException("'dimensions' cannot be chosen: the model's embeddings have a fixed width.");
            }

            request = new EmbedRequest(texts, Normalize: true);
        }
        catch (BodyFieldException ex)
        {
            await OpenAiErrors.WriteAsync(context, StatusCodes.Status400BadRequest, ex.Message, null);
            return;
        }

        var result = await RunAsync(model, null, request, context.RequestAborted);
        if (result.Status != InferenceStatus.Ok)
        {
            await OpenAiErrors.WriteAsync(context, InferenceStatusHttp.ToStatusCode(result.Status), result.Error ?? $"Model '{model}' failed.", result.RetryAfter);
            return;
        }

        context.Response.ContentType = "application/json";
        await using (var json = new Utf8JsonWriter(context.Response.BodyWriter))
        {
            json.WriteStartObject();
            json.WriteString("object", "list");
            json.WriteStartArray("data");
            for (var i = 0; i < result.Embeddings!.Count; i++)
            {
                json.WriteStartObject();
                json.WriteString("object", "embedding");
                json.WriteNumber("index", i);
                if (base64)
                {
                    json.WriteBase64String("embedding", MemoryMarshal.AsBytes(result.Embeddings[i].AsSpan()));
                }
                else
                {
                    json.WriteStartArray("embedding");
                    foreach (var value in result.Embeddings[i])
                    {
                        json.WriteNumberValue(value);
                    }

                    json.WriteEndArray();
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteString("model", model);
            json.WriteStartObject("usage");
            json.WriteNumber("prompt_tokens", result.PromptTokens);
            json.WriteNumber("total_tokens", result.PromptTokens);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
    }

    private async Task<EmbedResult> RunAsync(string model, string? version, EmbedRequest request, CancellationToken cancellationToken)
    {
        var (versionKey, route) = await routes.ResolveAsync(model, version, cancellationToken);
        if (versionKey is null)
        {
            return new EmbedResult(route.RetryAfter is null ? InferenceStatus.NotFound : InferenceStatus.Unavailable, model, version ?? string.Empty,
                Error: route.Error ?? $"Model '{model}' has no version '{version}'.", RetryAfter: route.RetryAfter);
        }

        return await grid.EmbedAsync(versionKey, request, cancellationToken);
    }
}
