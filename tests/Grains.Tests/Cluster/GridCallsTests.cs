using Microsoft.Extensions.DependencyInjection;
using Orleans;
using OrleansInference.Contracts.Generation;
using OrleansInference.Contracts.Inference;
using OrleansInference.Contracts.Models;
using OrleansInference.Grains.Models;

namespace OrleansInference.Grains.Tests.Cluster;

/// <summary>
/// <see cref="GridCalls"/> on a real silo: the silo-local entry, a grain call inside the silo, and a call from a cluster
/// client (serialized) answer the same, and a grain call's outputs own their data; a generation streamed from a cluster
/// client delivers the local entry's events in order, however slowly it is read.
/// </summary>
public sealed class GridCallsTests
{
    private static readonly float[] Setosa = [5.1f, 3.5f, 1.4f, 0.2f];

    /// <summary>A setosa flower standardized as the model's input expects (v2 infer takes raw tensors).</summary>
    private static readonly float[] SetosaStandardized = [-0.9f, 1.0f, -1.3f, -1.3f];

    [Fact]
    public async Task Infer_LocalEntry_GrainCall_AndClientCall_AnswerTheSame()
    {
        await using var grid = await GridCluster.StartAsync(silos: 1);
        var silo = grid.Cluster.Silos[0].ServiceProvider;
        var local = new GridCalls(silo.GetRequiredService<IGrainFactory>(), silo.GetRequiredService<LocalServingDirectory>());
        var grainCall = new GridCalls(silo.GetRequiredService<IGrainFactory>(), local: null);
        var clientCall = new GridCalls(grid.Client, local: null);

        // The first call loads the version on the silo (and publishes its local entry); the rest compare.
        var viaGrain = await InferAsync(grainCall);
        Assert.True(silo.GetRequiredService<LocalServingDirectory>().TryGetVersion("iris/1", out _), "The loaded version published no silo-local entry.");
        var viaLocal = await InferAsync(local);
        var viaClient = await InferAsync(clientCall);

        Assert.Equal(viaLocal, viaGrain);
        Assert.Equal(viaLocal, viaClient);
        Assert.Equal(0, Array.IndexOf(viaLocal, viaLocal.Max()));
        Assert.InRange(viaLocal.Sum(), 0.999f, 1.001f);
    }

    [Fact]
    public async Task Predict_GrainCallAndClientCall_MatchTheLocalEntry()
    {
        await using var grid = await GridCluster.StartAsync(silos: 1);
        var silo = grid.Cluster.Silos[0].ServiceProvider;
        var request = new PredictRequest(Setosa, 1, 4);
        var viaGrain = await new GridCalls(silo.GetRequiredService<IGrainFactory>(), local: null).PredictAsync("iris/1", request, CancellationToken.None);
        var viaLocal = await new GridCalls(silo.GetRequiredService<IGrainFactory>(), silo.GetRequiredService<LocalServingDirectory>()).PredictAsync("iris/1", request, CancellationToken.None);
        var viaClient = await new GridCalls(grid.Client, local: null).PredictAsync("iris/1", request, CancellationToken.None);

        foreach (var result in new[] { viaGrain, viaLocal, viaClient })
        {
            Assert.True(result.Status == InferenceStatus.Ok, result.Error);
            Assert.Equal("setosa", result.Rows![0].Label);
            Assert.Equal(viaLocal.Rows![0].Confidence, result.Rows[0].Confidence);
        }
    }

    [Fact]
    public async Task Generate_ClientCall_DeliversTheLocalEntrysEvents_InOrder()
    {
        await using var grid = await GridCluster.StartAsync(silos: 1);
        var silo = grid.Cluster.Silos[0].ServiceProvider;
        var clientCall = new GridCalls(grid.Client, local: null);
        var local = new GridCalls(silo.GetRequiredService<IGrainFactory>(), silo.GetRequiredService<LocalServingDirectory>());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        foreach (var request in new[] { new GenerateRequest("And God said", 160, Temperature: 0f), new GenerateRequest("In the beginning", 160, Temperature: 0.8f, Seed: 7) })
        {
            // The first call loads the version and publishes its local entry.
            var viaClient = await CollectAsync(clientCall, request, readDelay: null, timeout.Token);
            var viaLocal = await CollectAsync(local, request, readDelay: null, timeout.Token);
            AssertSameStream(viaLocal, viaClient, $"temperature {request.Temperature}");
        }
    }

    [Fact]
    public async Task Generate_ClientCallReadSlowly_WaitsForTheReader_WithoutTheSilenceBoundEndingIt()
    {
        await using var grid = await GridCluster.StartAsync(silos: 1);
        var silo = grid.Cluster.Silos[0].ServiceProvider;
        // A short bound on silence: the reader pauses for three times as long after the first token, while the silo has
        // the rest of the stream ready; the wait for the reader is not silence of the silo.
        var bound = TimeSpan.FromSeconds(2);
        var clientCall = new GridCalls(grid.Client, local: null, bound);
        var local = new GridCalls(silo.GetRequiredService<IGrainFactory>(), silo.GetRequiredService<LocalServingDirectory>());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var request = new GenerateRequest("And God said", 200, Temperature: 0f);

        var viaClient = await CollectAsync(clientCall, request, readDelay: bound * 3, timeout.Token);
        var viaLocal = await CollectAsync(local, request, readDelay: null, timeout.Token);
        AssertSameStream(viaLocal, viaClient, "read slowly");
    }

    /// <summary>Every event of one generation; with <paramref name="readDelay"/>, the reader pauses that long after the first event.</summary>
    private static async Task<List<GenerationEvent>> CollectAsync(GridCalls calls, GenerateRequest request, TimeSpan? readDelay, CancellationToken cancellationToken)
    {
        var events = new List<GenerationEvent>();
        await foreach (var item in calls.GenerateAsync("kjv-gpt/1", request, cancellationToken).WithCancellation(cancellationToken))
        {
            events.Add(item);
            if (events.Count == 1 && readDelay is { } delay)
            {
                await Task.Delay(delay, cancellationToken);
            }
        }

        return events;
    }

    private static void AssertSameStream(List<GenerationEvent> expected, List<GenerationEvent> actual, string phase)
    {
        var done = actual[^1];
        Assert.True(done.Kind == GenerationEventKind.Done, $"{phase}: the stream ended with {done.Kind} ({done.Error}), expected Done.");
        var tokens = actual.Take(actual.Count - 1).ToList();
        Assert.All(tokens, t => Assert.Equal(GenerationEventKind.Token, t.Kind));
        Assert.Equal(Enumerable.Range(0, tokens.Count), tokens.Select(t => t.Index));
        Assert.Equal(done.CompletionTokens, tokens.Count);
        Assert.Equal(string.Concat(expected.Select(e => e.Text)), string.Concat(actual.Select(e => e.Text)));
        Assert.Equal(expected[^1], done);
    }

    private static async Task<float[]> InferAsync(GridCalls calls)
    {
        var input = NamedTensor.FromValues("features", TensorDataType.Float32, [1, 4], SetosaStandardized.AsSpan());
        var result = await calls.InferAsync("iris/1", new InferenceRequest(null, [input]), CancellationToken.None);
        Assert.True(result.Status == InferenceStatus.Ok, result.Error);
        using var output = Assert.Single(result.Outputs!);
        return output.AsSpan<float>().ToArray();
    }
}
