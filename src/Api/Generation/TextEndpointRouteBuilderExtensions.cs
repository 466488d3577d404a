using Microsoft.Extensions.Options;
using OrleansInference.Api.Http;
using OrleansInference.Contracts.Models;
using OrleansInference.Grid.Catalog;

namespace OrleansInference.Api.Generation;

/// <summary>Maps text generation and embeddings: the project's endpoints and the OpenAI-compatible ones.</summary>
internal static class TextEndpointRouteBuilderExtensions
{
    public static WebApplication MapTextEndpoints(this WebApplication app)
    {
        var services = app.Services;
        var grid = services.GetRequiredService<GridCalls>();
        var options = services.GetRequiredService<IOptions<ApiOptions>>();
        var routes = new TextModelRoutes(grid, services.GetRequiredService<ModelCatalog>());
        var handler = new GenerationHandler(grid, routes);
        var generate = new GenerateEndpoint(handler, options);
        var openAi = new OpenAiEndpoints(handler, routes, options, services.GetRequiredService<TimeProvider>());
        var embed = new EmbedEndpoints(grid, routes, options);

        app.MapPost("/api/v1/generate", (Func<HttpContext, Task>)generate.HandleAsync)
            .WithMetadata(WritesErrorBodiesMetadata.Instance)
            .WithName("Generate")
            .WithSummary("Generates text from a prompt; with stream: true, as Server-Sent Events (one event per token, then usage and finish reason).");
        app.MapPost("/api/v1/embed", (Func<HttpContext, Task>)embed.EmbedAsync)
            .WithMetadata(WritesErrorBodiesMetadata.Instance)
            .WithName("Embed")
            .WithSummary("Embeds a list of texts with an embedding model.");
        app.MapPost("/v1/completions", (Func<HttpContext, Task>)openAi.CompletionsAsync)
            .WithMetadata(WritesErrorBodiesMetadata.Instance)
            .WithName("OpenAiCompletions")
            .WithSummary("OpenAI-compatible text completion (streamed or not).");
        app.MapPost("/v1/chat/completions", (Func<HttpContext, Task>)openAi.ChatCompletionsAsync)
            .WithMetadata(WritesErrorBodiesMetadata.Instance)
            .WithName("OpenAiChatCompletions")
            .WithSummary("OpenAI-compatible chat completion (streamed or not); messages are joined into one prompt.");
        app.MapGet("/v1/models", (Func<HttpContext, Task>)openAi.ModelsAsync)
            .WithName("OpenAiModels")
            .WithSummary("OpenAI-compatible list of the text generation and embedding models.");
        app.MapPost("/v1/embeddings", (Func<HttpContext, Task>)embed.OpenAiEmbeddingsAsync)
            .WithMetadata(WritesErrorBodiesMetadata.Instance)
            .WithName("OpenAiEmbeddings")
            .WithSummary("OpenAI-compatible embeddings (float or base64).");
        return app;
    }
}
