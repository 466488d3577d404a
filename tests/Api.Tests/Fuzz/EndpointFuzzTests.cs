using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using OrleansInference.Api.Tests.Batch;
using OrleansInference.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OrleansInference.Api.Tests.Fuzz;

/// <summary>
/// A bounded fuzz burst over every endpoint group on loopback (predict, explain, v2 infer, batch, feedback,
/// experiments, management, Triton repository): mutated bodies, content types and headers from a fixed seed, then a
/// few oversized chunked bodies. No answer may be a 5xx other than the documented 503 (with Retry-After), and the
/// server's managed memory returns near its baseline once the burst is collected.
/// </summary>
[Collection(FuzzCollection.Name)]
public sealed class EndpointFuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int RequestsPerSeed = 100;
    private const int Concurrency = 8;
    private const long MaxRetainedBytes = 64L * 1024 * 1024;

    private static readonly FuzzSeed[] Seeds =
    [
        new("predict", HttpMethod.Post, "api/v1/predict", """{"model": "iris", "features": [5.1, 3.5, 1.4, 0.2], "user_id": "u1"}"""),
        new("predict", HttpMethod.Post, "api/v1/predict", """{"model": "breast-cancer", "version": "1", "input": [{"mean radius": 13.5, "mean texture": 14.4}]}"""),
        new("explain", HttpMethod.Post, "api/v1/explain", """{"model": "iris", "features": [5.1, 3.5, 1.4, 0.2]}"""),
        new("v2 infer", HttpMethod.Post, "v2/models/iris/infer", """{"id": "r1", "inputs": [{"name": "features", "shape": [1, 4], "datatype": "FP32", "data": [5.1, 3.5, 1.4, 0.2]}], "outputs": [{"name": "probabilities", "parameters": {"binary_data": false}}]}"""),
        new("v2 infer", HttpMethod.Post, "v2/models/iris/versions/1/infer", """{"inputs": [{"name": "features", "shape": [2, 4], "datatype": "FP32", "data": [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]}]}"""),
        new("v2 metadata", HttpMethod.Get, "v2/models/iris", null),
        new("batch", HttpMethod.Post, "api/v1/batch", """{"model": "iris", "inputs": [[5.1, 3.5, 1.4, 0.2], {"sepal length (cm)": 5.1, "sepal width (cm)": 3.5, "petal length (cm)": 1.4, "petal width (cm)": 0.2}], "batch_size": 2}"""),
        new("batch", HttpMethod.Post, "api/v1/batch", """{"model": "iris", "input_uri": "rows.csv", "format": "csv", "output_uri": "out.jsonl", "callback_url": "http://127.0.0.1:9/hook"}"""),
        new("feedback", HttpMethod.Post, "api/v1/feedback", """{"prediction_id": "3f2504e0-4f89-11d3-9a0c-0305e82c3301", "label": "setosa", "reward": 1.0}"""),
        new("experiments", HttpMethod.Post, "api/v1/experiments", """{"id": "fz", "model": "iris", "variants": [{"name": "a", "version": "1", "weight": 50, "baseline": true}, {"name": "b", "version": "1", "weight": 50}], "overrides": {"u1": "a"}, "planned_sample_size": 100}"""),
        new("experiments", HttpMethod.Patch, "api/v1/experiments/fz", """{"weights": {"a": 60, "b": 40}, "overrides": {"u2": "b", "u1": null}}"""),
        new("experiments", HttpMethod.Post, "api/v1/experiments/fz/ramp", """{"variant": "b", "steps": [10, 50, 100], "step_duration_seconds": 60, "guardrails": {"max_error_rate_increase": 0.1, "min_samples": 10}}"""),
        new("experiments", HttpMethod.Post, "api/v1/experiments/none/abort", """{"reason": "stop"}"""),
        new("management", HttpMethod.Post, "api/v1/models/breast-cancer/versions/1/stage", """{"stage": "staging"}"""),
        new("management", HttpMethod.Post, "api/v1/models/digits/deploy", """{"version": "1", "percentage": 100}"""),
        new("management", HttpMethod.Post, "api/v1/models/iris/versions", """{"path": "iris/1"}"""),
        new("management", HttpMethod.Post, "api/v1/models/digits/versions/1/load", null),
        new("triton repository", HttpMethod.Post, "v2/repository/index", """{"ready": true}"""),
        new("triton repository", HttpMethod.Post, "v2/repository/models/digits/load", """{"parameters": {}}"""),
    ];

    private readonly string _root = Path.Combine(Path.GetTempPath(), "oi-fuzz-" + Guid.NewGuid().ToString("N"));
    private ApiServer? _server;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(_root, "data"));
        await File.WriteAllTextAsync(Path.Combine(_root, "data", "rows.csv"), "5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n");
        var settings = BatchServerFixture.Settings(_root, allowPrivate: false);
        _server = await ApiServer.StartAsync(TestModels.WriteAll, settings);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task FuzzBurst_OverEveryEndpointGroup_AnswersNo5xxAndReturnsToBaselineMemory()
    {
        var server = _server!;
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Concurrency }) { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(60) };
        await WarmAsync(client);
        var baseline = CollectedBytes();

        var failures = new ConcurrentQueue<string>();
        var statuses = new ConcurrentDictionary<int, int>();
        var work = Seeds.SelectMany((seed, s) => Enumerable.Range(0, RequestsPerSeed).Select(i => (seed, seedValue: (s * 1000) + i))).ToArray();
        await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (item, cancellationToken) =>
        {
            using var request = FuzzRequestFactory.Create(item.seed, new Random(item.seedValue), out var description);
            await SendAsync(client, request, item.seed.Group, description, failures, statuses, cancellationToken);
        });

        foreach (var path in new[] { "api/v1/feedback", "api/v1/experiments", "api/v1/models/iris/versions/1/stage", "v2/repository/index", "api/v1/predict", "api/v1/batch" })
        {
            for (var i = 0; i < 3; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Chunked(48L * 1024 * 1024) };
                request.Headers.TransferEncodingChunked = true;
                await SendAsync(client, request, "oversized " + path, "48 MiB chunked", failures, statuses, CancellationToken.None);
            }
        }

        var after = CollectedBytes();
        output.WriteLine($"{work.Length} mutated requests + 18 oversized; statuses: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))}");
        output.WriteLine($"managed heap after a full collection: baseline {baseline / 1048576.0:F1} MiB, after {after / 1048576.0:F1} MiB; working set {Process.GetCurrentProcess().WorkingSet64 / 1048576.0:F0} MiB");
        Assert.True(failures.IsEmpty, $"{failures.Count} answers were 5xx (not a documented 503):\n{string.Join("\n", failures.Take(40))}");
        Assert.True(after - baseline < MaxRetainedBytes, $"The managed heap grew by {(after - baseline) / 1048576.0:F1} MiB over the burst (limit {MaxRetainedBytes / 1048576} MiB).");
        using var health = await client.GetAsync("health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    private static async Task SendAsync(
        HttpClient client, HttpRequestMessage request, string group, string description, ConcurrentQueue<string> failures, ConcurrentDictionary<int, int> statuses, CancellationToken cancellationToken)
    {
        var line = $"{group}: {request.Method} {request.RequestUri} [{description}]";
        try
        {
            using var response = await client.SendAsync(request, cancellationToken);
            var status = (int)response.StatusCode;
            statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            var documented = status == 503 && response.Headers.RetryAfter is not null;
            if (status >= 500 && !documented)
            {
                failures.Enqueue($"{status} {text[..Math.Min(text.Length, 300)]} <- {line}");
            }
        }
        catch (HttpRequestException) when (request.Content is not null && request.Headers.TransferEncodingChunked == true)
        {
            // The server may close the connection while a refused chunked body is still being sent.
            statuses.AddOrUpdate(0, 1, (_, n) => n + 1);
        }
        catch (HttpRequestException ex)
        {
            failures.Enqueue($"no answer ({ex.Message}) <- {line}");
        }
    }

    private static async Task WarmAsync(HttpClient client)
    {
        foreach (var seed in Seeds.Where(s => s.Method == HttpMethod.Post && s.Body is not null).Take(4))
        {
            using var response = await client.PostAsync(seed.Path, new StringContent(seed.Body!, Encoding.UTF8, "application/json"));
        }
    }

    private static long CollectedBytes()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static StreamContent Chunked(long length)
    {
        var content = new StreamContent(new Http.GeneratedBodyStream("{\"x\": \""u8.ToArray(), length, (byte)'a', "\"}"u8.ToArray()));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return content;
    }
}
