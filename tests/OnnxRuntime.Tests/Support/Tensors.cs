using OrleansInference.Contracts.Inference;

namespace OrleansInference.OnnxRuntime.Tests.Support;

/// <summary>Builds request tensors for runner tests.</summary>
public static class Tensors
{
    public static NamedTensor Float(string name, float[] values, params long[] shape) =>
        NamedTensor.FromValues<float>(name, TensorDataType.Float32, shape, values);

    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, float tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"Element {i}: expected {expected[i]}, got {actual[i]}.");
        }
    }
}
