using Microsoft.Extensions.DependencyInjection;
using Orleans;
using OrleansInference.Contracts.Inference;
using OrleansInference.Contracts.Models;
using OrleansInference.Grains.Models;

namespace OrleansInference.Grains.Tests.Cluster;

/// <summary>
/// <see cref="GridCalls"/> on a real silo: the silo-local entry, a grain call inside the silo, and a call from a cluster
/// client (serialized) answer the same, and a grain call's outputs own their data.
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

    private static async Task<float[]> InferAsync(GridCalls calls)
    {
        var input = NamedTensor.FromValues("features", TensorDataType.Float32, [1, 4], SetosaStandardized.AsSpan());
        var result = await calls.InferAsync("iris/1", new InferenceRequest(null, [input]), CancellationToken.None);
        Assert.True(result.Status == InferenceStatus.Ok, result.Error);
        using var output = Assert.Single(result.Outputs!);
        return output.AsSpan<float>().ToArray();
    }
}
