using System.Diagnostics;
using OrleansInference.Grains.Execution;
using OrleansInference.OnnxRuntime.Tests.Models;
using OrleansInference.OnnxRuntime.Tests.Support;
using Xunit.Abstractions;

namespace OrleansInference.OnnxRuntime.Tests;

[Collection(SerialCollection.Name)]
public sealed class RunnerCancellationTests(ITestOutputHelper output)
{
    private readonly OnnxSessionFactory _factory = new();

    [Fact]
    public void Run_TokenCanceledWhileRunning_TerminatesTheRun_ThenTheInstanceRunsAgain()
    {
        using var runner = new OnnxModelRunner(_factory, TestModels.SlowChain(layers: 3000, size: 512), new SessionSettings(), instances: 1);
        using var input = Tensors.Float("x", new float[512 * 512], 512, 512);
        using var cancellation = new CancellationTokenSource();
        cancellation.CancelAfter(TimeSpan.FromMilliseconds(300));
        var stopwatch = Stopwatch.StartNew();

        var error = Assert.Throws<OperationCanceledException>(() => runner.Run(0, [input], ["y"], cancellation.Token));

        output.WriteLine($"Canceled after {stopwatch.ElapsedMilliseconds} ms.");
        Assert.Equal(cancellation.Token, error.CancellationToken);
        Assert.IsType<Microsoft.ML.OnnxRuntime.OnnxRuntimeException>(error.InnerException);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(20), $"The run stopped only after {stopwatch.Elapsed}.");

        // The terminate flag was reset: a later run on the same instance completes.
        var model = new MlpModel();
        using var mlp = new OnnxModelRunner(_factory, model.Bytes, new SessionSettings(), instances: 1);
        using var small = new CancellationTokenSource();
        var features = MlpModel.CreateInput(1, seed: 5);
        using var row = Tensors.Float(MlpModel.InputName, features, 1, MlpModel.Features);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.Throws<OperationCanceledException>(() => mlp.Run(0, [row], [MlpModel.OutputName], cancelled.Token));
        using var result = mlp.Run(0, [row], [MlpModel.OutputName], small.Token)[0];
        Tensors.AssertClose(model.Reference(features, 1), result.AsSpan<float>(), 1e-5f);
    }

    [Fact]
    public void Run_AfterTerminatedRun_SameInstanceCompletes()
    {
        using var runner = new OnnxModelRunner(_factory, TestModels.SlowChain(layers: 400, size: 256), new SessionSettings(), instances: 1);
        using var input = Tensors.Float("x", new float[256 * 256], 256, 256);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        try
        {
            using var first = runner.Run(0, [input], ["y"], cancellation.Token)[0];
        }
        catch (OperationCanceledException)
        {
            // Expected on this machine; a very fast machine may finish first.
        }

        using var open = new CancellationTokenSource();
        using var second = runner.Run(0, [input], ["y"], open.Token)[0];
        Assert.Equal([256L, 256L], second.Shape);
    }
}
