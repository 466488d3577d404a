using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using static OrleansInference.Api.Tests.Generation.GenerationHttp;

namespace OrleansInference.Api.Tests.Generation;

/// <summary>
/// <c>POST /api/v1/generate</c> on the demo generative model (<c>kjv-gpt</c>) through the real host: streamed tokens
/// as they are generated, cancellation, continuous batching of concurrent streams, seeded sampling and validation.
/// Tests of one class run one after another, so the generation metrics they read are their own.
/// </summary>
public sealed class GenerationEndToEndTests(GenerationServerFixture fixture) : IClassFixture<GenerationServerFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    private static int CountOf(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
    private readonly HttpClient _client = fixture.Client;

    [Fact]
    public async Task Stream_SendsEachTokenAsItIsGenerated_ThenUsageAndFinishReason()
    {
        using var timeout = new CancellationTokenSource(Bound);
        var request = new { model = Model, prompt = "And God said", max_tokens = 120, temperature = 0.8, seed = 7, stream = true };

        // The first token must arrive while the sequence is still generating, its slot still held. On a loaded host
        // the whole sequence can finish before the metrics scrape returns, so a few attempts are allowed; a server
        // that buffered the stream until the end would fail every one of them.
        HttpResponseMessage? response = null;
        SseStream? events = null;
        SseEvent? first = null;
        for (var attempt = 1; ; attempt++)
        {
            response = await PostStreamingAsync(_client, "api/v1/generate", request, timeout.Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
            events = new SseStream(await response.Content.ReadAsStreamAsync(timeout.Token));

            first = await events.NextAsync(timeout.Token);
            Assert.NotNull(first);
            Assert.Equal("token", first.Name);
            Assert.Equal(0, first.Json.GetProperty("index").GetInt32());
            if (await MetricAsync(_client, Active()) == 1)
            {
                break;
            }

            Assert.True(attempt < 5, "In 5 attempts the sequence had always finished when its first token was read: the stream is not sent as it is generated.");
            while (await events.NextAsync(timeout.Token) is not null)
            {
            }

            events.Dispose();
            response.Dispose();
            await WaitForMetricAsync(_client, Active(), 0);
        }

        using var _ = response;
        using var __ = events;
        var text = new StringBuilder(first!.Json.GetProperty("text").GetString());
        var tokens = 1;
        SseEvent? done = null;
        while (await events!.NextAsync(timeout.Token) is { } next)
        {
            if (next.Name == "done")
            {
                done = next;
                continue;
            }

            Assert.Null(done); // nothing after the final event
            Assert.Equal("token", next.Name);
            Assert.Equal(tokens, next.Json.GetProperty("index").GetInt32());
            text.Append(next.Json.GetProperty("text").GetString());
            tokens++;
        }

        Assert.NotNull(done);
        Assert.Equal(120, tokens);
        Assert.Equal("length", done.Json.GetProperty("finish_reason").GetString());
        Assert.Equal("1", done.Json.GetProperty("version").GetString());
        var usage = done.Json.GetProperty("usage");
        Assert.Equal("And God said".Length, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(120, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(120 + 12, usage.GetProperty("total_tokens").GetInt32());
        Assert.Equal(120, text.Length);
    }

    [Fact]
    public async Task Stream_ClientDisconnects_FreesItsSlotAtOnce()
    {
        var cancelledBefore = await MetricAsync(_client, Finished("cancelled"));
        using var timeout = new CancellationTokenSource(Bound);

        // Other streams keep the batch busy, so that the leaving one cannot finish its 240 tokens before its client's
        // disconnect reaches the server (alone, a sequence of the demo model takes well under a second).
        var busy = Enumerable.Range(0, 31).Select(i => Task.Run(async () =>
        {
            using var response = await PostStreamingAsync(_client, "api/v1/generate",
                new { model = Model, prompt = "And it came to pass", max_tokens = 230, seed = i, stream = true }, timeout.Token);
            using var events = new SseStream(await response.Content.ReadAsStreamAsync(timeout.Token));
            while (await events.NextAsync(timeout.Token) is not null)
            {
            }
        })).ToList();
        var until = DateTime.UtcNow.AddSeconds(30);
        while (await MetricAsync(_client, Active()) < 16 && DateTime.UtcNow < until)
        {
            await Task.Delay(10, timeout.Token);
        }

        // A client on a raw socket that reads two token events, then resets its connection: the server learns of it
        // at once (an HTTP client's dispose may first try to drain the rest of the response).
        var body = Encoding.UTF8.GetBytes("""{"model": "kjv-gpt", "prompt": "In the beginning", "max_tokens": 240, "stream": true}""");
        using (var leaving = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await leaving.ConnectAsync(IPAddress.Loopback, _client.BaseAddress!.Port, timeout.Token);
            var head = $"POST /api/v1/generate HTTP/1.1\r\nHost: 127.0.0.1:{_client.BaseAddress.Port}\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\nContent-Length: {body.Length}\r\n\r\n";
            await leaving.SendAsync(Encoding.ASCII.GetBytes(head).Concat(body).ToArray(), timeout.Token);
            var received = new StringBuilder();
            var buffer = new byte[4096];
            while (CountOf(received.ToString(), "event: token") < 2)
            {
                var read = await leaving.ReceiveAsync(buffer, timeout.Token);
                Assert.True(read > 0, $"The server closed the stream before two tokens: {received}");
                received.Append(Encoding.UTF8.GetString(buffer, 0, read));
            }

            Assert.StartsWith("HTTP/1.1 200", received.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain("event: done", received.ToString(), StringComparison.Ordinal);

            // Leaving 2 of 240 tokens in: the server cancels the sequence and takes it out of the batch (counted as
            // cancelled, not finished) while the others go on.
            leaving.LingerState = new LingerOption(true, 0);
        }

        var cancelled = await WaitForMetricAsync(_client, Finished("cancelled"), cancelledBefore + 1);
        Assert.True(cancelled == cancelledBefore + 1, string.Join("\n", (await _client.GetStringAsync("metrics")).Split('\n').Where(l => l.StartsWith("oi_generation_sequences", StringComparison.Ordinal))));
        await Task.WhenAll(busy);
        Assert.Equal(0, await WaitForMetricAsync(_client, Active(), 0));
        Assert.Equal(cancelledBefore + 1, await MetricAsync(_client, Finished("cancelled")));
    }

    [Fact]
    public async Task ThirtyTwoConcurrentStreams_AdvanceTogether_OneRunPerStepForSeveralSequences()
    {
        var stepsBefore = await MetricAsync(_client, """oi_generation_step_sequences_count{model="kjv-gpt",version="1"}""");
        var singleBefore = await MetricAsync(_client, """oi_generation_step_sequences_bucket{model="kjv-gpt",version="1",le="1"}""");
        using var timeout = new CancellationTokenSource(Bound);
        var streams = Enumerable.Range(0, 32).Select(async i =>
        {
            using var response = await PostStreamingAsync(_client, "api/v1/generate",
                new { model = Model, prompt = "And the LORD spake", max_tokens = 60, seed = i, stream = true }, timeout.Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var events = new SseStream(await response.Content.ReadAsStreamAsync(timeout.Token));
            var tokens = 0;
            string? finish = null;
            while (await events.NextAsync(timeout.Token) is { } e)
            {
                if (e.Name == "token")
                {
                    tokens++;
                }
                else
                {
                    finish = e.Json.GetProperty("finish_reason").GetString();
                }
            }

            return (tokens, finish);
        }).ToArray();
        var results = await Task.WhenAll(streams);

        Assert.All(results, r => Assert.Equal((60, "length"), r));
        var text = await _client.GetStringAsync("metrics");
        var steps = Sample(text, """oi_generation_step_sequences_count{model="kjv-gpt",version="1"}""") - stepsBefore;
        var single = Sample(text, """oi_generation_step_sequences_bucket{model="kjv-gpt",version="1",le="1"}""") - singleBefore;
        var sum = Sample(text, """oi_generation_step_sequences_sum{model="kjv-gpt",version="1"}""");
        // 32 × 60 tokens plus the prompts: one at a time would take more than 32 × 60 steps.
        Assert.True(steps - single > 0, $"No step advanced more than one sequence ({steps} steps, {single} of one).");
        Assert.True(steps < 32 * 60, $"{steps} steps for 32 sequences of 60 tokens: they did not share steps.");
        Assert.True(sum >= 32 * 60, $"Sequences advanced in steps sum to {sum}.");
    }

    [Fact]
    public async Task SameSeed_GivesTheSameText_AnotherSeed_AnotherText()
    {
        async Task<string> GenerateAsync(long seed)
        {
            using var response = await _client.PostAsync("api/v1/generate",
                Json(new { model = Model, prompt = "Blessed are", max_tokens = 80, temperature = 0.9, top_k = 20, top_p = 0.95, seed }));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("length", body.GetProperty("finish_reason").GetString());
            Assert.Equal(80, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
            return body.GetProperty("text").GetString()!;
        }

        var first = await GenerateAsync(42);
        var again = await GenerateAsync(42);
        var other = await GenerateAsync(43);

        Assert.Equal(80, first.Length);
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public async Task Stop_EndsTheTextBeforeTheStopSequence()
    {
        // Greedy decoding is deterministic: find what the model writes, then stop at a piece of it.
        using var free = await _client.PostAsync("api/v1/generate", Json(new { model = Model, prompt = "And he said", max_tokens = 60, temperature = 0 }));
        var text = JsonDocument.Parse(await free.Content.ReadAsStringAsync()).RootElement.GetProperty("text").GetString()!;
        var stop = text.Substring(20, 3);
        var expected = text[..text.IndexOf(stop, StringComparison.Ordinal)];

        using var stopped = await _client.PostAsync("api/v1/generate", Json(new { model = Model, prompt = "And he said", max_tokens = 60, temperature = 0, stop = new[] { stop } }));
        var body = JsonDocument.Parse(await stopped.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(expected, body.GetProperty("text").GetString());
        Assert.Equal("stop", body.GetProperty("finish_reason").GetString());
    }

    [Theory]
    [InlineData("""{"prompt": "And"}""", "'model'")]
    [InlineData("""{"model": "kjv-gpt"}""", "'prompt'")]
    [InlineData("""{"model": "kjv-gpt", "prompt": "And", "max_tokens": 0}""", "'max_tokens'")]
    [InlineData("""{"model": "kjv-gpt", "prompt": "And", "max_tokens": 300}""", "'max_tokens'")]
    [InlineData("""{"model": "kjv-gpt", "prompt": "And", "temperature": -1}""", "'temperature'")]
    [InlineData("""{"model": "kjv-gpt", "prompt": "And", "top_p": 0}""", "'top_p'")]
    [InlineData("""{"model": "kjv-gpt", "prompt": "And", "stream": "yes"}""", "'stream'")]
    [InlineData("""{"model": "kjv-gpt", "prompt": "Chapter 12"}""", "'prompt' holds '1'")]
    [InlineData("""{"model": "kjv-gpt", "prompt": "And", "stop": [1]}""", "'stop'")]
    [InlineData("""{"model": "iris", "prompt": "And"}""", "does not generate text")]
    [InlineData("""[1, 2]""", "JSON object")]
    public async Task InvalidRequest_Is400_NamingTheField(string body, string expected)
    {
        using var response = await _client.PostAsync("api/v1/generate", Json(body));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownModel_Is404()
    {
        using var response = await _client.PostAsync("api/v1/generate", Json(new { model = "no-such-model", prompt = "And" }));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("no-such-model", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
