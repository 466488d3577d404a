using OrleansInference.Contracts.Inference;
using OrleansInference.Grains.Execution;
using OrleansInference.OnnxRuntime.Tests.Models;
using OrleansInference.OnnxRuntime.Tests.Support;

namespace OrleansInference.OnnxRuntime.Tests;

public sealed class RunnerTests
{
    private const int CudaUnavailableEventId = 3102;
    private readonly OnnxSessionFactory _factory = new();
    private readonly MlpModel _model = new();

    [Theory]
    [InlineData(1)]
    [InlineData(64)]
    [InlineData(512)]
    public void Run_MatchesReference(int batch)
    {
        using var runner = new OnnxModelRunner(_factory, _model.Bytes, new SessionSettings(), instances: 1);
        var features = MlpModel.CreateInput(batch, seed: batch);
        using var input = Tensors.Float(MlpModel.InputName, features, batch, MlpModel.Features);

        var outputs = runner.Run(0, [input], [MlpModel.OutputName], CancellationToken.None);

        using var output = Assert.Single(outputs);
        Assert.Equal(MlpModel.OutputName, output.Name);
        Assert.Equal(TensorDataType.Float32, output.DataType);
        Assert.Equal([(long)batch, MlpModel.Classes], output.Shape);
        Tensors.AssertClose(_model.Reference(features, batch), output.AsSpan<float>(), 1e-5f);
    }

    [Fact]
    public void Run_ReusesBinding_AcrossBatchSizesAndInstances()
    {
        using var runner = new OnnxModelRunner(_factory, _model.Bytes, new SessionSettings(), instances: 2);
        foreach (var batch in new[] { 3, 1, 17, 3 })
        {
            for (var instance = 0; instance < runner.Instances; instance++)
            {
                var features = MlpModel.CreateInput(batch, seed: (batch * 10) + instance);
                using var input = Tensors.Float(MlpModel.InputName, features, batch, MlpModel.Features);
                using var output = runner.Run(instance, [input], [MlpModel.OutputName], CancellationToken.None)[0];
                Tensors.AssertClose(_model.Reference(features, batch), output.AsSpan<float>(), 1e-5f);
            }
        }
    }

    [Fact]
    public void Metadata_DescribesInputsAndOutputs()
    {
        using var runner = new OnnxModelRunner(_factory, _model.Bytes, new SessionSettings(), instances: 1);

        var input = Assert.Single(runner.Inputs);
        Assert.Equal(MlpModel.InputName, input.Name);
        Assert.Equal(TensorDataType.Float32, input.DataType);
        Assert.Equal([-1L, 30L], input.Shape);
        Assert.True(input.HasBatchDimension);
        var output = Assert.Single(runner.Outputs);
        Assert.Equal([-1L, 2L], output.Shape);
        Assert.Equal("CPU", runner.ExecutionProvider);
    }

    [Fact]
    public void Run_UnknownOutput_Throws_AndTheInstanceStaysUsable()
    {
        using var runner = new OnnxModelRunner(_factory, _model.Bytes, new SessionSettings(), instances: 1);
        var features = MlpModel.CreateInput(2, seed: 9);
        using var input = Tensors.Float(MlpModel.InputName, features, 2, MlpModel.Features);

        var error = Assert.Throws<ArgumentException>(() => runner.Run(0, [input], ["nope"], CancellationToken.None));
        Assert.Contains("The model has no output 'nope'.", error.Message, StringComparison.Ordinal);

        using var output = runner.Run(0, [input], [MlpModel.OutputName], CancellationToken.None)[0];
        Tensors.AssertClose(_model.Reference(features, 2), output.AsSpan<float>(), 1e-5f);
    }

    [Fact]
    public void Create_CudaConfigured_NoGpu_AllInstancesOnCpu_LoggedOnce()
    {
        var logger = new CapturingLogger<OnnxSessionFactory>();
        var factory = new OnnxSessionFactory(logger: logger);
        var settings = new SessionSettings { ExecutionProvider = ExecutionProviderKind.Cuda, LogId = "mlp/2" };

        using var runner = new OnnxModelRunner(factory, _model.Bytes, settings, instances: 3);

        Assert.Equal("CPU", runner.ExecutionProvider);
        Assert.NotNull(runner.FallbackReason);
        Assert.Single(logger.Entries, e => e.EventId.Id == CudaUnavailableEventId);
        var features = MlpModel.CreateInput(1, seed: 1);
        using var input = Tensors.Float(MlpModel.InputName, features, 1, MlpModel.Features);
        using var output = runner.Run(2, [input], [MlpModel.OutputName], CancellationToken.None)[0];
        Tensors.AssertClose(_model.Reference(features, 1), output.AsSpan<float>(), 1e-5f);
    }

    [Fact]
    public void Create_CudaConfigured_NoGpu_FallbackOff_FailsToLoad()
    {
        var settings = new SessionSettings { ExecutionProvider = ExecutionProviderKind.Cuda, AllowCpuFallback = false };

        var error = Assert.Throws<ExecutionProviderUnavailableException>(() => new OnnxModelRunner(_factory, _model.Bytes, settings, instances: 2));

        Assert.Contains("was not loaded", error.Message, StringComparison.Ordinal);
    }
}
