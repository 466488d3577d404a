using System.Net;
using OrleansInference.Api.Tests.Infrastructure;
using static OrleansInference.Api.Tests.Generation.GenerationHttp;

namespace OrleansInference.Api.Tests.Generation;

/// <summary>
/// A server whose generative versions take 2 sequences and queue 1 more: the next request is refused with 429 and
/// Retry-After, and a freed slot lets the queued one run.
/// </summary>
public sealed class GenerationLimitsTests : IAsyncLifetime
{
    private ApiServer? _server;

    public async Task InitializeAsync() => _server = await ApiServer.StartAsync(settings: new Dictionary<string, string>
    {
        ["Generation:MaxActiveSequences"] = "2",
        ["Generation:MaxQueuedRequests"] = "1",
        ["Generation:RetryAfterSeconds"] = "2",
    });

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Fact]
    public async Task BeyondActiveAndQueuedLimits_Is429WithRetryAfter_AndTheQueuedRequestRunsOnceASlotFrees()
    {
        var client = _server!.Client;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var body = new { model = Model, prompt = "And it came to pass", max_tokens = 240, stream = true };
        using var first = await PostStreamingAsync(client, "api/v1/generate", body, timeout.Token);
        using var second = await PostStreamingAsync(client, "api/v1/generate", body, timeout.Token);
        var firstEvents = new SseStream(await first.Content.ReadAsStreamAsync(timeout.Token));
        var secondEvents = new SseStream(await second.Content.ReadAsStreamAsync(timeout.Token));
        Assert.Equal("token", (await firstEvents.NextAsync(timeout.Token))?.Name);
        Assert.Equal("token", (await secondEvents.NextAsync(timeout.Token))?.Name);

        // The third waits for a slot (its answer starts once it has one).
        var third = PostStreamingAsync(client, "api/v1/generate", body, timeout.Token);
        Assert.Equal(1, await WaitForMetricAsync(client, Queued(), 1));
        Assert.Equal(2, await MetricAsync(client, Active()));

        using (var refused = await client.PostAsync("api/v1/generate", Json(new { model = Model, prompt = "And", max_tokens = 5 })))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(2), refused.Headers.RetryAfter?.Delta);
            Assert.Contains("kjv-gpt/1", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var refused = await client.PostAsync("v1/completions", Json(new { model = Model, prompt = "And", max_tokens = 5 })))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
            Assert.Contains("rate_limit_exceeded", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // A client leaving frees its slot; the queued request takes it and streams.
        firstEvents.Dispose();
        first.Dispose();
        using var admitted = await third;
        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        using var thirdEvents = new SseStream(await admitted.Content.ReadAsStreamAsync(timeout.Token));
        Assert.Equal("token", (await thirdEvents.NextAsync(timeout.Token))?.Name);
        Assert.Equal(0, await MetricAsync(client, Queued()));
        secondEvents.Dispose();
    }
}
