using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using OrleansInference.Client.Tests.Infrastructure;

namespace OrleansInference.Client.Tests;

/// <summary>
/// Generation streamed by an API node that hosts no silo (<c>Api:Grid=Client</c>) from the silo of another OS process:
/// it streams the same tokens in the same order as the silo's own node, a client that leaves frees its slot on the
/// remote silo, and a silo that dies mid-stream ends the stream with an error event at once instead of leaving it open.
/// </summary>
public sealed class RemoteGenerationTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private const int Streams = 32;
    private const string ActiveSeries = "oi_generation_sequences_active";
    private const string CancelledSeries = "oi_generation_sequences_total";
    private GridServerProcess? _silo;
    private GridServerProcess? _client;

    public async Task InitializeAsync()
    {
        _silo = await GridServerProcess.StartAsync();
        _client = await GridServerProcess.StartClientNodeAsync(_silo);
    }

    public async Task DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }

        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
    }

    [Fact]
    public async Task ClientsLeaveMidStream_TheRemoteSiloCancelsTheirSequences_AndFreesEverySlot()
    {
        using var timeout = new CancellationTokenSource(Bound);
        using var siloHttp = new HttpClient { BaseAddress = _silo!.Address, Timeout = TimeSpan.FromSeconds(30) };
        var cancelledBefore = await SeriesAsync(siloHttp, CancelledSeries);
        // Clients that close their connection when they stop reading (the default handler would first drain the rest).
        using var leaving = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = _client!.Address };
        using var leave = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
        var firstToken = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Many long streams at once (some generating, some waiting for a slot); every client leaves as soon as the
        // first token of any stream arrives.
        var streams = Enumerable.Range(0, Streams).Select(i => Task.Run(async () =>
        {
            try
            {
                using var response = await PostStreamAsync(leaving, "In the beginning", maxTokens: 240, seed: i, leave.Token);
                using var events = new StreamReader(await response.Content.ReadAsStreamAsync(leave.Token));
                Assert.Equal("token", (await NextEventAsync(events, leave.Token)).Name);
                firstToken.TrySetResult();
                await Task.Delay(Timeout.Infinite, leave.Token);
            }
            catch (OperationCanceledException) when (leave.IsCancellationRequested)
            {
            }
        })).ToList();
        await firstToken.Task.WaitAsync(timeout.Token);
        await leave.CancelAsync();
        await Task.WhenAll(streams);

        // The client node's requests are aborted; their grain calls' cancellation reaches the silo, which takes the
        // sequences out of its batch (counted as cancelled, not finished) and frees their slots.
        var watch = Stopwatch.StartNew();
        while (await SeriesAsync(siloHttp, ActiveSeries) != 0)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"The silo still holds sequences {watch.Elapsed.TotalSeconds:F1} s after their clients left.\n{_silo.Output}");
            await Task.Delay(50, timeout.Token);
        }

        var cancelled = await SeriesAsync(siloHttp, CancelledSeries) - cancelledBefore;
        Assert.True(cancelled >= 1, $"No sequence was cancelled on the silo after {Streams} clients left one token into 240: cancellation did not cross the grain call.\n{string.Join("\n", (await siloHttp.GetStringAsync("metrics")).Split('\n').Where(l => l.StartsWith("oi_generation_s", StringComparison.Ordinal)))}");
    }

    [Fact]
    public async Task SiloDiesMidStream_TheClientNodeEndsEveryStream_AndAnswers503After()
    {
        using var timeout = new CancellationTokenSource(Bound);
        using var http = new HttpClient { BaseAddress = _client!.Address, Timeout = TimeSpan.FromSeconds(60) };
        var firstToken = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Each stream reads to its end: its final event if it finished before the silo died, otherwise an error event
        // naming a 503 (or, for one still waiting for its headers, a 503 answer). None may stay open.
        var streams = Enumerable.Range(0, Streams).Select(i => Task.Run(async () =>
        {
            var body = new JsonObject { ["model"] = "kjv-gpt", ["prompt"] = "And God said", ["max_tokens"] = 240, ["seed"] = i, ["stream"] = true };
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/generate") { Content = Json(body.ToJsonString()) };
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                return new SseEvent($"http {(int)response.StatusCode}", await response.Content.ReadAsStringAsync(timeout.Token));
            }

            using var events = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
            SseEvent last;
            do
            {
                last = await NextEventAsync(events, timeout.Token);
                if (last.Name == "token")
                {
                    firstToken.TrySetResult();
                }
            }
            while (last.Name == "token");

            return last;
        })).ToList();

        await firstToken.Task.WaitAsync(timeout.Token);
        await _silo!.DisposeAsync(); // SIGKILL: the silo's process tree goes at once.
        _silo = null;
        var killed = Stopwatch.StartNew();

        var endings = await Task.WhenAll(streams);
        Assert.True(killed.Elapsed < TimeSpan.FromSeconds(20), $"The streams ended {killed.Elapsed.TotalSeconds:F1} s after the silo died.");
        Assert.All(endings, e => Assert.True(e.Name is "done" or "error" or "http 503", $"A stream ended with '{e.Name}': {e.Data}"));
        var errors = endings.Where(e => e.Name == "error").ToList();
        Assert.True(errors.Count > 0, $"No stream was cut short by the silo's death: {string.Join(", ", endings.Select(e => e.Name))}.");
        Assert.All(errors, e => Assert.Equal(503, (int)JsonNode.Parse(e.Data!)!["status"]!));

        // The next request meets no silo: a fast 503 with Retry-After, no hang.
        var next = Stopwatch.StartNew();
        using var again = await http.PostAsync("api/v1/generate", Json("""{"model": "kjv-gpt", "prompt": "And God said", "max_tokens": 5}"""), timeout.Token);
        Assert.Equal(503, (int)again.StatusCode);
        Assert.NotNull(again.Headers.RetryAfter);
        Assert.True(next.Elapsed < TimeSpan.FromSeconds(15), $"The request after the silo died took {next.Elapsed.TotalSeconds:F1} s.");
    }

    [Fact]
    public async Task ClientNodeStream_DeliversTheSiloNodesTokens_InOrder_ThenDone()
    {
        using var timeout = new CancellationTokenSource(Bound);
        using var siloHttp = new HttpClient { BaseAddress = _silo!.Address, Timeout = TimeSpan.FromSeconds(60) };
        using var clientHttp = new HttpClient { BaseAddress = _client!.Address, Timeout = TimeSpan.FromSeconds(60) };

        // Greedy decoding, then seeded sampling: each request alone, so both nodes' runs see the same batch.
        foreach (var (temperature, seed) in new[] { (0.0, 1), (0.8, 7) })
        {
            var onSilo = await ReadTokensAsync(siloHttp, temperature, seed, timeout.Token);
            var onClient = await ReadTokensAsync(clientHttp, temperature, seed, timeout.Token);
            Assert.True(onSilo.Text.Length > 0, $"The silo node streamed no text at temperature {temperature}.");
            Assert.Equal(onSilo.Text, onClient.Text);
            Assert.Equal(onSilo.Tokens, onClient.Tokens);
        }
    }

    /// <summary>Reads one stream to its end: its text and token count; asserts indexes 0, 1, 2… and a Done event that counts them.</summary>
    private static async Task<(string Text, int Tokens)> ReadTokensAsync(HttpClient http, double temperature, int seed, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["model"] = "kjv-gpt", ["prompt"] = "And God said", ["max_tokens"] = 200, ["temperature"] = temperature, ["seed"] = seed, ["stream"] = true };
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/generate") { Content = Json(body.ToJsonString()) };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"POST /api/v1/generate on {http.BaseAddress} answered {(int)response.StatusCode}.");
        using var events = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        var text = new StringBuilder();
        var tokens = 0;
        while (true)
        {
            var next = await NextEventAsync(events, cancellationToken);
            if (next.Name != "token")
            {
                Assert.True(next.Name == "done", $"The stream from {http.BaseAddress} ended with '{next.Name}' after {tokens} tokens: {next.Data}");
                Assert.Equal(tokens, (int)JsonNode.Parse(next.Data!)!["usage"]!["completion_tokens"]!);
                return (text.ToString(), tokens);
            }

            var token = JsonNode.Parse(next.Data!)!;
            Assert.Equal(tokens, (int)token["index"]!);
            text.Append((string)token["text"]!);
            tokens++;
        }
    }

    private static async Task<HttpResponseMessage> PostStreamAsync(HttpClient http, string prompt, int maxTokens, int seed, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["model"] = "kjv-gpt", ["prompt"] = prompt, ["max_tokens"] = maxTokens, ["temperature"] = 0.8, ["seed"] = seed, ["stream"] = true };
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/generate") { Content = Json(body.ToJsonString()) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            // Read only on failure: the body of a stream that started is read event by event by the caller.
            Assert.Fail($"POST /api/v1/generate answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }

        return response;
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    /// <summary>The next event (<c>event:</c> name, default "message"; <c>data:</c>); name "end" once the stream closed.</summary>
    private static async Task<SseEvent> NextEventAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        string? name = null;
        string? data = null;
        while (true)
        {
            string? line;
            try
            {
                line = await reader.ReadLineAsync(cancellationToken);
            }
            catch (IOException)
            {
                line = null;
            }
            catch (HttpRequestException)
            {
                line = null;
            }

            if (line is null)
            {
                return new SseEvent("end", data);
            }

            if (line.Length == 0)
            {
                if (data is not null)
                {
                    return new SseEvent(name ?? "message", data);
                }

                continue;
            }

            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = line["data: ".Length..];
            }
        }
    }

    /// <summary>The sum of a series' samples for kjv-gpt (the cancelled reason only, for the finished-sequence counter).</summary>
    private static async Task<double> SeriesAsync(HttpClient silo, string series)
    {
        var text = await silo.GetStringAsync("metrics");
        var total = 0.0;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(series + "{", StringComparison.Ordinal) && line.Contains("model=\"kjv-gpt\"", StringComparison.Ordinal)
                && (series != CancelledSeries || line.Contains("reason=\"cancelled\"", StringComparison.Ordinal)))
            {
                total += double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return total;
    }

    private sealed record SseEvent(string Name, string? Data);
}
