using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansInference.OnnxRuntime.Tests.Models;
using OrleansInference.OnnxRuntime.Tests.Support;
using Xunit.Abstractions;

namespace OrleansInference.OnnxRuntime.Tests;

public sealed class EnvironmentTests(ITestOutputHelper output)
{
    [Fact]
    public void NativeLibrary_IsCopiedBesideTestOutput()
    {
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "libonnxruntime.so.1")));
    }

    [Fact]
    public void Environment_ReportsVersionAndCpuProvider()
    {
        using var environment = new OrtEnvironment();
        Assert.StartsWith("1.", environment.Version, StringComparison.Ordinal);
        Assert.Contains("CPUExecutionProvider", environment.GetAvailableProviders());
    }

    [Fact]
    public void SeveralEnvironments_CanCoexist_AndSessionOutlivesItsEnvironment()
    {
        var model = new MlpModel();
        var first = new OrtEnvironment();
        using var second = new OrtEnvironment();
        using var session = first.CreateSession(model.Bytes);
        first.Dispose();

        using var other = second.CreateSession(model.Bytes);
        var features = MlpModel.CreateInput(1, seed: 9);
        using var input = OrtValue.CreateTensor(features, 1, 30);
        using var fromFirst = session.Run(new Dictionary<string, OrtValue> { [MlpModel.InputName] = input });
        using var fromSecond = other.Run(new Dictionary<string, OrtValue> { [MlpModel.InputName] = input });
        Assert.Equal(fromFirst[0].GetTensorData<float>().ToArray(), fromSecond[0].GetTensorData<float>().ToArray());
        Assert.Throws<ObjectDisposedException>(() => first.CreateSession(model.Bytes));
    }

    [Fact]
    public void CudaRequested_WithoutCuda_FallsBackToCpuWithWarning()
    {
        var logger = new CapturingLogger<OrtEnvironment>();
        using var environment = new OrtEnvironment(logger: logger);
        var model = new MlpModel();

        using var session = environment.CreateSession(model.Bytes, new SessionOptions { ExecutionProvider = ExecutionProviderKind.Cuda });

        foreach (var entry in logger.Entries)
        {
            output.WriteLine($"{entry.Level} {entry.EventId.Id}: {entry.Message}");
        }

        Assert.Equal("CPU", session.ExecutionProvider);
        var warning = Assert.Single(logger.Entries, e => e.EventId.Id == OrtEventIds.CudaUnavailable);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("ONNX Runtime said:", warning.Message, StringComparison.Ordinal);
        var features = MlpModel.CreateInput(1, seed: 1);
        using var input = OrtValue.CreateTensor(features, 1, 30);
        using var results = session.Run(new Dictionary<string, OrtValue> { [MlpModel.InputName] = input });
        MlpClassifierTests.AssertClose(model.Reference(features, 1), results[0].GetTensorData<float>(), 1e-5f);
    }

    [Fact]
    public void AddOnnxRuntime_RegistersDisposableSingleton()
    {
        var services = new ServiceCollection().AddOnnxRuntime(o => o.LogId = "test");
        OrtEnvironment environment;
        using (var provider = services.BuildServiceProvider())
        {
            environment = provider.GetRequiredService<OrtEnvironment>();
            Assert.Same(environment, provider.GetRequiredService<OrtEnvironment>());
        }

        Assert.Throws<ObjectDisposedException>(() => environment.CreateSession(new MlpModel().Bytes));
    }
}
