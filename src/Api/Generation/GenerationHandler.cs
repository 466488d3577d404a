using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using OrleansInference.Contracts.Generation;
using OrleansInference.Contracts.Inference;
using OrleansInference.Contracts.Models;

namespace OrleansInference.Api.Generation;

/// <summary>What an endpoint parsed from a generation request.</summary>
internal sealed record GenerationCall(string Model, string? Version, GenerateRequest Request, bool Stream);

/// <summary>
/// Runs a parsed generation on the grid and answers in an API's <see cref="GenerationFormat"/>: refusals (invalid,
/// queue full, unavailable) as an error status before anything is sent; then either one answer or a Server-Sent Events
/// stream, flushed whenever no further event is ready yet. A client that disconnects cancels the request, which frees its slot at once.
/// </summary>
internal sealed class GenerationHandler(GridCalls grid, TextModelRoutes routes)
{
    /// <summary>Stream events written at most between two flushes when more are ready at once: 32.</summary>
    private const int MaxEventsPerFlush = 32;

    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public async Task RunAsync(HttpContext context, GenerationCall call, GenerationFormat format)
    {
        var cancellationToken = context.RequestAborted;
        var (versionKey, route) = await routes.ResolveAsync(call.Model, call.Version, cancellationToken);
        if (versionKey is null)
        {
            var status = route.RetryAfter is null ? StatusCodes.Status404NotFound : StatusCodes.Status503ServiceUnavailable;
            await format.WriteErrorAsync(context, status, route.Error ?? $"Model '{call.Model}' has no version '{call.Version}'.", route.RetryAfter);
            return;
        }

        format.Routed(versionKey);
        var events = grid.GenerateAsync(versionKey, call.Request, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            if (!await events.MoveNextAsync())
            {
                await format.WriteErrorAsync(context, StatusCodes.Status500InternalServerError, $"Model '{versionKey}' ended the generation without a result.", null);
                return;
            }

            if (events.Current is { Kind: GenerationEventKind.Error } refused)
            {
                await format.WriteErrorAsync(context, GenerationFormat.StatusCode(refused.Status), refused.Error ?? $"Model '{versionKey}' refused the request.", refused.RetryAfter);
                return;
            }

            if (call.Stream)
            {
                await StreamAsync(context, events, format, cancellationToken);
            }
            else
            {
                await AnswerAsync(context, versionKey, events, format, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client left; disposing the enumerator below has taken the sequence out of the batch.
        }
        finally
        {
            await events.DisposeAsync();
        }
    }

    private static async Task StreamAsync(HttpContext context, IAsyncEnumerator<GenerationEvent> events, GenerationFormat format, CancellationToken cancellationToken)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        using var sse = new SseWriter(response.BodyWriter);
        format.WriteStart(sse);
        var unflushed = 0;
        bool more;
        do
        {
            var item = events.Current;
            switch (item.Kind)
            {
                case GenerationEventKind.Token:
                    format.WriteToken(sse, item.Text!, item.Index);
                    break;
                case GenerationEventKind.Done:
                    format.WriteDone(sse, item.FinishReason!, new GenerationUsage(item.PromptTokens, item.CompletionTokens));
                    break;
                default:
                    format.WriteStreamError(sse, item);
                    break;
            }

            // Events already read ahead share one flush (at most MaxEventsPerFlush); the written ones are sent before
            // waiting for the next. A flush waits while the client is behind, which stops the reading.
            var next = events.MoveNextAsync();
            if (!next.IsCompleted || ++unflushed >= MaxEventsPerFlush)
            {
                unflushed = 0;
                try
                {
                    await sse.FlushAsync(cancellationToken);
                }
                catch when (!next.IsCompleted)
                {
                    // The client left: let the pending read end (the same abort cancels it) before the enumerator is disposed.
                    await next.AsTask().ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                    throw;
                }
            }

            more = await next;
        }
        while (more);

        await sse.FlushAsync(cancellationToken);
    }

    private static async Task AnswerAsync(HttpContext context, string versionKey, IAsyncEnumerator<GenerationEvent> events, GenerationFormat format, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        do
        {
            var item = events.Current;
            switch (item.Kind)
            {
                case GenerationEventKind.Token:
                    text.Append(item.Text);
                    break;
                case GenerationEventKind.Done:
                    context.Response.StatusCode = StatusCodes.Status200OK;
                    context.Response.ContentType = "application/json";
                    await using (var json = new Utf8JsonWriter(context.Response.BodyWriter, JsonOptions))
                    {
                        format.WriteAnswer(json, text.ToString(), item.FinishReason!, new GenerationUsage(item.PromptTokens, item.CompletionTokens));
                    }

                    await context.Response.BodyWriter.FlushAsync(cancellationToken);
                    return;
                default:
                    await format.WriteErrorAsync(context, GenerationFormat.StatusCode(item.Status), item.Error ?? $"Model '{versionKey}' failed.", item.RetryAfter);
                    return;
            }
        }
        while (await events.MoveNextAsync());

        await format.WriteErrorAsync(context, StatusCodes.Status500InternalServerError, $"Model '{versionKey}' ended the generation without a result.", null);
    }

    /// <summary>Retry-After in whole seconds (at least 1), as the rest of the API sends it.</summary>
    public static void SetRetryAfter(HttpResponse response, int status, TimeSpan? retryAfter)
    {
        if (status is StatusCodes.Status429TooManyRequests or StatusCodes.Status503ServiceUnavailable)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling((retryAfter ?? TimeSpan.FromSeconds(1)).TotalSeconds));
            response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
