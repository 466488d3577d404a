using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansInference.Client.Tests.Infrastructure;
using OrleansInference.Contracts.Generation;
using OrleansInference.Contracts.Inference;
using OrleansInference.Contracts.Models;

namespace OrleansInference.Client.Tests;

/// <summary>The library in this process, connected to a real server process's gateway.</summary>
[Collection(GridServerCollection.Name)]
public sealed class InferenceGridClientTests(GridServerFixture server) : IAsyncLifetime
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    // data/breast_cancer.csv, first data row: raw measurements of a mass diagnosed malignant.
    private static readonly float[] Malignant =
    [
        17.99f, 10.38f, 122.8f, 1001f, 0.1184f, 0.2776f, 0.3001f, 0.1471f, 0.2419f, 0.07871f,
        1.095f, 0.9053f, 8.589f, 153.4f, 0.006399f, 0.04904f, 0.05373f, 0.01587f, 0.03003f, 0.006193f,
        25.38f, 17.33f, 184.6f, 2019f, 0.1622f, 0.6656f, 0.7119f, 0.2654f, 0.4601f, 0.1189f,
    ];

    private IHost? _host;

    private InferenceGridClient Grid => _host!.Services.GetRequiredService<InferenceGridClient>();

    public async Task InitializeAsync() => _host = await ClientHosts.StartAsync(server.GatewayPort);

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _host.StopAsync(timeout.Token);
            _host.Dispose();
        }
    }

    [Fact]
    public async Task PredictAsync_OneRow_ReturnsLabelAndConfidenceOfTheProductionVersion()
    {
        using var timeout = new CancellationTokenSource(CallTimeout);

        var result = await Grid.PredictAsync("breast-cancer", Malignant, cancellationToken: timeout.Token);

        Assert.True(result.Status == InferenceStatus.Ok, $"status {result.Status}: {result.Error}");
        Assert.Equal("breast-cancer", result.ModelName);
        Assert.Equal("2", result.ModelVersion);
        var row = Assert.Single(result.Rows!);
        Assert.Equal("malignant", row.Label);
        Assert.NotNull(row.Confidence);
        Assert.InRange(row.Confidence.Value, 0.5f, 1f);
    }

    [Fact]
    public async Task PredictAsync_RowsOnARequestedVersion_ReturnsOnePredictionPerRowInOrder()
    {
        using var timeout = new CancellationTokenSource(CallTimeout);
        var benign = Malignant.Select(static v => v * 0.6f).ToArray();

        var result = await Grid.PredictAsync("breast-cancer", [Malignant, benign, Malignant], version: "1", cancellationToken: timeout.Token);

        Assert.True(result.Status == InferenceStatus.Ok, $"status {result.Status}: {result.Error}");
        Assert.Equal("1", result.ModelVersion);
        Assert.Equal(3, result.Rows!.Count);
        Assert.Equal("malignant", result.Rows[0].Label);
        Assert.Equal(result.Rows[0], result.Rows[2]);
        Assert.All(result.Rows, r => Assert.InRange(r.Confidence!.Value, 0.5f, 1f));
    }

    [Fact]
    public async Task GenerateAsync_StreamsTokensThroughTheGatewayThenTheUsage()
    {
        using var timeout = new CancellationTokenSource(CallTimeout);
        var events = new List<GenerationEvent>();

        await foreach (var item in Grid.GenerateAsync("kjv-gpt", new GenerateRequest("And God said", 25, Temperature: 0.7f, Seed: 3), cancellationToken: timeout.Token))
        {
            events.Add(item);
        }

        Assert.Equal(26, events.Count);
        Assert.All(events[..25], e => Assert.Equal(GenerationEventKind.Token, e.Kind));
        Assert.Equal(Enumerable.Range(0, 25), events[..25].Select(e => e.Index));
        var done = events[^1];
        Assert.Equal(GenerationEventKind.Done, done.Kind);
        Assert.Equal("length", done.FinishReason);
        Assert.Equal((12, 25), (done.PromptTokens, done.CompletionTokens));
    }

    [Fact]
    public async Task GenerateAsync_StoppingEarly_EndsTheSequence_AndAnUnknownCharacterThrows()
    {
        using var timeout = new CancellationTokenSource(CallTimeout);
        var taken = 0;
        await foreach (var item in Grid.GenerateAsync("kjv-gpt", new GenerateRequest("In the beginning", 200), cancellationToken: timeout.Token))
        {
            Assert.Equal(GenerationEventKind.Token, item.Kind);
            if (++taken == 3)
            {
                break;
            }
        }

        var error = await Assert.ThrowsAsync<ArgumentException>(async () =>
        {
            await foreach (var _ in Grid.GenerateAsync("kjv-gpt", new GenerateRequest("Psalm 23", 5), cancellationToken: timeout.Token))
            {
            }
        });
        Assert.Contains("'prompt' holds '2'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmbedAsync_ReturnsOneUnitLengthEmbeddingPerText()
    {
        using var timeout = new CancellationTokenSource(CallTimeout);

        var result = await Grid.EmbedAsync("kjv-embed", ["In the beginning", "The LORD is my shepherd", "Jesus wept."], cancellationToken: timeout.Token);

        Assert.True(result.Status == InferenceStatus.Ok, $"status {result.Status}: {result.Error}");
        Assert.Equal(128, result.Dimensions);
        Assert.Equal(3, result.Embeddings!.Count);
        Assert.All(result.Embeddings, e => Assert.InRange(Math.Sqrt(e.Sum(v => (double)v * v)), 0.999, 1.001));
    }

    [Fact]
    public async Task PredictAsync_WrongFeatureCount_ThrowsArgumentExceptionWithTheModelsExpectation()
    {
        using var timeout = new CancellationTokenSource(CallTimeout);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Grid.PredictAsync("breast-cancer", Malignant[..29], cancellationToken: timeout.Token));

        Assert.Equal("rows", error.ParamName);
        Assert.Contains("expects rows of 30 features; got 1 rows of 29", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PredictAsync_RaggedRows_ThrowsArgumentExceptionNamingTheRow()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Grid.PredictAsync("breast-cancer", [Malignant, Malignant[..10]]));

        Assert.Contains("Row 1 has 10 feature values but row 0 has 30", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PredictAsync_UnknownModel_ReturnsNotFoundWithTheReason()
    {
        using var timeout = new CancellationTokenSource(CallTimeout);

        var result = await Grid.PredictAsync("no-such-model", Malignant, cancellationToken: timeout.Token);

        Assert.Equal(InferenceStatus.NotFound, result.Status);
        Assert.Contains("no-such-model", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InferAsync_StandardizedTensor_ReturnsTheModelsOutputs()
    {
        using var timeout = new CancellationTokenSource(CallTimeout);
        var input = NamedTensor.FromValues<float>("features", TensorDataType.Float32, [1, 4], [-0.9f, 1.0f, -1.3f, -1.3f]);

        var result = await Grid.InferAsync("iris", null, [input], timeout.Token);

        Assert.True(result.IsSuccess, $"status {result.Status}: {result.Error}");
        Assert.Equal("iris", result.ModelName);
        Assert.NotEmpty(result.Outputs!);
    }

    [Fact]
    public async Task GetVersionStatusAsync_ServingVersion_IsReady()
    {
        using var timeout = new CancellationTokenSource(CallTimeout);

        var status = await Grid.GetVersionStatusAsync("breast-cancer", "2", timeout.Token);

        Assert.Equal(ModelVersionState.Ready, status.State);
        Assert.Equal("breast-cancer", status.Model);
        Assert.Equal("2", status.Version);
    }

    [Fact]
    public async Task BatchJobs_UnknownJob_StatusAndCancelAreNull()
    {
        using var timeout = new CancellationTokenSource(CallTimeout);
        var jobId = "no-such-job-" + Guid.NewGuid().ToString("N");

        Assert.Null(await Grid.GetBatchJobStatusAsync(jobId, timeout.Token));
        Assert.Null(await Grid.CancelBatchJobAsync(jobId, timeout.Token));
    }

    [Fact]
    public async Task Experiments_UnknownExperiment_IsNullAndAssignsNobody()
    {
        using var timeout = new CancellationTokenSource(CallTimeout);
        var experimentId = "no-such-experiment-" + Guid.NewGuid().ToString("N");

        Assert.Null(await Grid.GetExperimentAsync(experimentId, timeout.Token));
        Assert.Null(await Grid.AssignAsync(experimentId, "user-1", timeout.Token));
    }
}
