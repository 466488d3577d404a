using OrleansInference.Contracts.Inference;
using OrleansInference.Grains.Execution;
using OrleansInference.OnnxModel;
using OrleansInference.OnnxRuntime.Tests.Models;

namespace OrleansInference.OnnxRuntime.Tests;

/// <summary>Every tensor type the grid serves goes through the runner's binding unchanged.</summary>
public sealed class RunnerElementTypeTests
{
    private static readonly float[] Source = [-2.5f, -1f, 0f, 0.5f, 1.25f, 3f];
    private readonly OnnxSessionFactory _factory = new();

    [Fact]
    public void Identity_Float() => AssertIdentity(TensorDataType.Float32, Source);

    [Fact]
    public void Identity_Double() => AssertIdentity(TensorDataType.Float64, Array.ConvertAll(Source, v => v * Math.PI));

    [Fact]
    public void Identity_Float16() => AssertIdentity(TensorDataType.Float16, Array.ConvertAll(Source, v => (Half)v));

    [Fact]
    public void Identity_BFloat16() => AssertIdentity(TensorDataType.BFloat16, Array.ConvertAll(Source, v => (ushort)(BitConverter.SingleToUInt32Bits(v) >> 16)));

    [Fact]
    public void Identity_Int8() => AssertIdentity(TensorDataType.Int8, new sbyte[] { -128, -1, 0, 1, 64, 127 });

    [Fact]
    public void Identity_Int16() => AssertIdentity(TensorDataType.Int16, new short[] { short.MinValue, -1, 0, 1, 300, short.MaxValue });

    [Fact]
    public void Identity_Int32() => AssertIdentity(TensorDataType.Int32, new[] { int.MinValue, -1, 0, 1, 70000, int.MaxValue });

    [Fact]
    public void Identity_Int64() => AssertIdentity(TensorDataType.Int64, new[] { long.MinValue, -1L, 0L, 1L, 1L << 40, long.MaxValue });

    [Fact]
    public void Identity_UInt8() => AssertIdentity(TensorDataType.UInt8, new byte[] { 0, 1, 2, 128, 254, 255 });

    [Fact]
    public void Identity_UInt16() => AssertIdentity(TensorDataType.UInt16, new ushort[] { 0, 1, 2, 300, 40000, ushort.MaxValue });

    [Fact]
    public void Identity_UInt32() => AssertIdentity(TensorDataType.UInt32, new uint[] { 0, 1, 2, 70000, 3_000_000_000, uint.MaxValue });

    [Fact]
    public void Identity_UInt64() => AssertIdentity(TensorDataType.UInt64, new ulong[] { 0, 1, 2, 1UL << 40, 1UL << 63, ulong.MaxValue });

    [Fact]
    public void Identity_Bool() => AssertIdentity(TensorDataType.Bool, new[] { true, false, false, true, true, false });

    [Fact]
    public void Identity_String()
    {
        string[] values = ["", "a", "héllo", "日本語", "tab\tand\nnewline", new string('x', 1000)];
        using var runner = Create(TestModels.Unary("Identity", TensorDataType.String, TensorDataType.String));
        using var input = new NamedTensor("x", [2, 3], values);

        using var output = runner.Run(0, [input], ["y"], CancellationToken.None)[0];

        Assert.Equal(TensorDataType.String, output.DataType);
        Assert.Equal([2L, 3L], output.Shape);
        Assert.Equal(values, output.Strings);
    }

    [Fact]
    public void Cast_FloatToInt32_TruncatesLikeClr()
    {
        using var runner = Create(TestModels.Unary("Cast", TensorDataType.Float32, TensorDataType.Int32, OnnxAttribute.Int("to", (long)TensorDataType.Int32)));
        using var input = NamedTensor.FromValues<float>("x", TensorDataType.Float32, [2, 3], Source);

        using var output = runner.Run(0, [input], ["y"], CancellationToken.None)[0];

        Assert.Equal(Array.ConvertAll(Source, v => (int)v), output.AsSpan<int>().ToArray());
    }

    [Fact]
    public void Add_TwoInputs_Int64()
    {
        using var runner = Create(TestModels.Add(TensorDataType.Int64));
        using var a = NamedTensor.FromValues<long>("a", TensorDataType.Int64, [2, 3], [1, 2, 3, 4, 5, 6]);
        using var b = NamedTensor.FromValues<long>("b", TensorDataType.Int64, [2, 3], [10, 20, 30, 40, 50, long.MaxValue - 6]);

        using var output = runner.Run(0, [a, b], ["sum"], CancellationToken.None)[0];

        Assert.Equal([11L, 22L, 33L, 44L, 55L, long.MaxValue], output.AsSpan<long>().ToArray());
    }

    private OnnxModelRunner Create(byte[] model) => new(_factory, model, new SessionSettings(), instances: 1);

    private void AssertIdentity<T>(TensorDataType type, T[] values)
        where T : unmanaged
    {
        using var runner = Create(TestModels.Unary("Identity", type, type));
        Assert.Equal(type, runner.Inputs[0].DataType);
        using var input = NamedTensor.FromValues<T>("x", type, [2, 3], values);

        using var output = runner.Run(0, [input], ["y"], CancellationToken.None)[0];

        Assert.Equal(type, output.DataType);
        Assert.Equal([2L, 3L], output.Shape);
        Assert.Equal(values, output.AsSpan<T>().ToArray());
    }
}
