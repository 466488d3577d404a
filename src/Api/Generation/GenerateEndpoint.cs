using Microsoft.Extensions.Options;
using OrleansInference.Api.Http;
using OrleansInference.Contracts.Generation;

namespace OrleansInference.Api.Generation;

/// <summary>
/// <c>POST /api/v1/generate {model, version?, prompt, max_tokens, temperature, top_k, top_p, seed, stop, stream}</c>:
/// text from a generative model, as one answer or, with <c>stream: true</c>, as Server-Sent Events.
/// </summary>
internal sealed class GenerateEndpoint(GenerationHandler handler, IOptions<ApiOptions> options)
{
    public async Task HandleAsync(HttpContext context)
    {
        using var body = await RequestBodyReader.ReadAsync(context.Request, options.Value.MaxRequestBodyBytes, context.RequestAborted);
        GenerationCall call;
        try
        {
            using var document = BodyFields.Parse(body.Memory, out var fields);
            var model = fields.RequiredString("model", "the name of a generative model (see GET /v1/models)");
            call = new GenerationCall(
                model,
                fields.OptionalString("version"),
                new GenerateRequest(
                    fields.RequiredString("prompt", "the text to continue"),
                    fields.Int("max_tokens", 64, 1, 65_536),
                    fields.Number("temperature", 1f, 0f, 10f),
                    fields.Int("top_k", 0, 0, 1_000_000),
                    fields.Number("top_p", 1f, float.Epsilon, 1f),
                    fields.OptionalLong("seed"),
                    fields.Strings("stop", 4)),
                fields.Bool("stream", false));
        }
        catch (BodyFieldException ex)
        {
            await Problems.BadRequest(ex.Message).ExecuteAsync(context);
            return;
        }

        await handler.RunAsync(context, call, new NativeGenerationFormat(call.Model, call.Version));
    }
}
