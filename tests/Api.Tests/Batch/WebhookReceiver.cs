using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OrleansInference.Api.Tests.Batch;

/// <summary>A webhook receiver on 127.0.0.1: records every delivery and answers 503 to the first <c>failFirst</c> of them.</summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TaskCompletionSource<WebhookDelivery> _accepted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _attempts;

    private WebhookReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<WebhookDelivery> Deliveries { get; } = new();

    public string Url => _app.Urls.First() + "/hook";

    /// <summary>Completes with the first delivery answered 200.</summary>
    public Task<WebhookDelivery> Accepted => _accepted.Task;

    public static async Task<WebhookReceiver> StartAsync(int failFirst)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hook", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            var delivery = new WebhookDelivery(body.ToArray(), context.Request.Headers["X-Signature-256"].ToString(), DateTime.UtcNow);
            receiver.Deliveries.Enqueue(delivery);
            if (Interlocked.Increment(ref receiver._attempts) <= failFirst)
            {
                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
            }

            receiver._accepted.TrySetResult(delivery);
            return Results.Ok();
        });
        await app.StartAsync();
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
