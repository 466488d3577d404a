using OrleansInference.OnnxRuntime.Tests.Models;

namespace OrleansInference.OnnxRuntime.Tests;

public sealed class MlpClassifierTests : IDisposable
{
    private readonly OrtEnvironment _environment = new();
    private readonly MlpModel _model = new();

    public void Dispose() => _environment.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(64)]
    public void Run_MatchesReference(int batch)
    {
        using var session = _environment.CreateSession(_model.Bytes);
        var features = MlpModel.CreateInput(batch, seed: batch);
        using var input = OrtValue.CreateTensor(features, batch, MlpModel.Features);
        using var results = session.Run(new Dictionary<string, OrtValue> { [MlpModel.InputName] = input });

        var output = results[MlpModel.OutputName];
        Assert.Equal([(long)batch, MlpModel.Classes], output.Shape.ToArray());
        AssertClose(_model.Reference(features, batch), output.GetTensorData<float>(), 1e-5f);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(64)]
    public void Run_IntoPreallocatedOutput_MatchesReference(int batch)
    {
        using var session = _environment.CreateSession(_model.Bytes);
        var features = MlpModel.CreateInput(batch, seed: 100 + batch);
        var probabilities = new float[batch * MlpModel.Classes];
        using var input = OrtValue.CreateTensor(features, batch, MlpModel.Features);
        using var output = OrtValue.CreateTensor(probabilities, batch, MlpModel.Classes);
        OrtValue?[] outputs = [output];

        session.Run([input], outputs);

        Assert.Same(output, outputs[0]);
        AssertClose(_model.Reference(features, batch), probabilities, 1e-5f);
    }

    [Fact]
    public void Metadata_DescribesInputsAndOutputs()
    {
        using var session = _environment.CreateSession(_model.Bytes);

        var input = Assert.Single(session.InputMetadata);
        Assert.Equal(MlpModel.InputName, input.Name);
        Assert.Equal(TensorElementType.Float, input.ElementType);
        Assert.Equal([-1L, 30L], input.Shape);
        Assert.Equal(["N", ""], input.SymbolicDims);
        Assert.Equal("[N,30]", input.FormatShape());
        var output = Assert.Single(session.OutputMetadata);
        Assert.Equal(MlpModel.OutputName, output.Name);
        Assert.Equal([-1L, 2L], output.Shape);
        Assert.Equal("CPU", session.ExecutionProvider);
    }

    [Fact]
    public void CreateSession_FromFile_Works()
    {
        var path = Path.Combine(Path.GetTempPath(), $"mlp-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, _model.Bytes);
        try
        {
            using var session = _environment.CreateSession(path, new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.Basic, EnableCpuMemArena = false });
            var features = MlpModel.CreateInput(3, seed: 7);
            using var input = OrtValue.CreateTensor(features, 3, MlpModel.Features);
            using var results = session.Run(new Dictionary<string, OrtValue> { [MlpModel.InputName] = input });
            AssertClose(_model.Reference(features, 3), results[0].GetTensorData<float>(), 1e-5f);
        }
        finally
        {
            File.Delete(path);
        }
    }

    internal static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, float tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(
                Math.Abs(expected[i] - actual[i]) <= tolerance,
                $"Element {i}: expected {expected[i]}, got {actual[i]} (tolerance {tolerance}).");
        }
    }
}
