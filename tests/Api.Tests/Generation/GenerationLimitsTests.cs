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
    public async Task BeyondActiveAndQueuedLimits_Is429WithRetryAfter_WhileTheQueuedRequestsRun()
    {
        var client = _server!.Client;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));

        // Eight requests at once, each generating 230 tokens (230 model steps): 2 run, 1 waits, the rest are refused.
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            using var response = await client.PostAsync("api/v1/generate",
                Json(new { model = Model, prompt = "And it came to pass", max_tokens = 230, seed = i }), timeout.Token);
            return (response.StatusCode, response.Headers.RetryAfter?.Delta, Body: await response.Content.ReadAsStringAsync(timeout.Token));
        }));

        var refused = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        var served = answers.Where(a => a.StatusCode == HttpStatusCode.OK).ToList();
        Assert.NotEmpty(refused);
        Assert.Equal(8, refused.Count + served.Count);
        Assert.True(served.Count >= 3, $"{served.Count} of 8 were served; the 2 active and the 1 queued should have been.");
        Assert.All(refused, r => Assert.Equal(TimeSpan.FromSeconds(2), r.Delta));
        Assert.All(refused, r => Assert.Contains("kjv-gpt/1", r.Body, StringComparison.Ordinal));
        Assert.All(served, r => Assert.Contains("\"completion_tokens\":230", r.Body, StringComparison.Ordinal));
        Assert.Equal(0, await MetricAsync(client, Queued()));
        Assert.Equal(0, await MetricAsync(client, Active()));

        // The OpenAI-compatible endpoint refuses in OpenAI's error format.
        var openAi = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            using var response = await client.PostAsync("v1/completions",
                Json(new { model = Model, prompt = "And it came to pass", max_tokens = 230 }), timeout.Token);
            return (response.StatusCode, response.Headers.RetryAfter?.Delta, Body: await response.Content.ReadAsStringAsync(timeout.Token));
        }));
        var openAiRefused = openAi.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(openAiRefused);
        Assert.All(openAiRefused, r => Assert.Contains("\"code\":\"rate_limit_exceeded\"", r.Body, StringComparison.Ordinal));
        Assert.All(openAiRefused, r => Assert.NotNull(r.Delta));
    }
}
