using System.Diagnostics;
using OrleansInference.OnnxRuntime.Tests.Models;
using Xunit.Abstractions;

namespace OrleansInference.OnnxRuntime.Tests;

[Collection(SerialCollection.Name)]
public sealed class CancellationTests(ITestOutputHelper output) : IDisposable
{
    private readonly OrtEnvironment _environment = new();

    public void Dispose() => _environment.Dispose();

    [Fact]
    public void Run_TerminateFlagSetBefore_ThrowsOperationCanceled_ThenWorksAfterUnset()
    {
        var model = new MlpModel();
        using var session = _environment.CreateSession(model.Bytes);
        using var runOptions = new RunOptions();
        using var input = OrtValue.CreateTensor(new float[30], 1, 30);
        runOptions.SetTerminate();

        var error = Assert.Throws<OperationCanceledException>(() => session.Run([input], new OrtValue?[1], runOptions));
        Assert.IsType<OnnxRuntimeException>(error.InnerException);

        runOptions.UnsetTerminate();
        var outputs = new OrtValue?[1];
        session.Run([input], outputs, runOptions);
        using var result = outputs[0]!;
        Assert.Equal(2, result.ElementCount);
    }

    [Fact]
    public void Run_TokenCanceledWhileRunning_ThrowsOperationCanceled()
    {
        using var session = _environment.CreateSession(TestModels.SlowChain(layers: 3000, size: 512));
        using var input = OrtValue.CreateTensor(new float[512 * 512], 512, 512);
        using var cancellation = new CancellationTokenSource();
        cancellation.CancelAfter(TimeSpan.FromMilliseconds(300));
        var stopwatch = Stopwatch.StartNew();

        var error = Assert.Throws<OperationCanceledException>(() => session.Run([input], new OrtValue?[1], cancellation.Token));

        output.WriteLine($"Canceled after {stopwatch.ElapsedMilliseconds} ms.");
        Assert.Equal(cancellation.Token, error.CancellationToken);
        Assert.IsType<OperationCanceledException>(error.InnerException);
        Assert.IsType<OnnxRuntimeException>(error.InnerException!.InnerException);
    }

    [Fact]
    public void Run_TimeoutElapses_ThrowsTimeoutException()
    {
        using var session = _environment.CreateSession(TestModels.SlowChain(layers: 3000, size: 512));
        using var input = OrtValue.CreateTensor(new float[512 * 512], 512, 512);

        var error = Assert.Throws<TimeoutException>(
            () => session.Run([input], new OrtValue?[1], CancellationToken.None, TimeSpan.FromMilliseconds(300)));

        Assert.Contains("300 ms", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_TokenAlreadyCanceled_ThrowsWithoutRunning()
    {
        var model = new MlpModel();
        using var session = _environment.CreateSession(model.Bytes);
        using var input = OrtValue.CreateTensor(new float[30], 1, 30);
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        Assert.Throws<OperationCanceledException>(() => session.Run([input], new OrtValue?[1], cancellation.Token));
    }

    [Fact]
    public void Run_CancelableTokenNotCanceled_Completes()
    {
        var model = new MlpModel();
        using var session = _environment.CreateSession(model.Bytes);
        var features = MlpModel.CreateInput(1, seed: 5);
        using var input = OrtValue.CreateTensor(features, 1, 30);
        using var cancellation = new CancellationTokenSource();
        var outputs = new OrtValue?[1];

        session.Run([input], outputs, cancellation.Token, TimeSpan.FromSeconds(30));

        using var result = outputs[0]!;
        MlpClassifierTests.AssertClose(model.Reference(features, 1), result.GetTensorData<float>(), 1e-5f);
    }
}
