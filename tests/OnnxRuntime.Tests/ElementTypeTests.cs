using OrleansInference.OnnxModel;
using OrleansInference.OnnxRuntime.Tests.Models;

namespace OrleansInference.OnnxRuntime.Tests;

public sealed class ElementTypeTests : IDisposable
{
    private static readonly float[] Source = [0f, 1f, -2f, 3.5f, 100f, -7.25f];
    private static readonly float[] NonNegative = [0f, 1f, 2f, 3.5f, 100f, 7.25f];
    private readonly OrtEnvironment _environment = new();

    public void Dispose() => _environment.Dispose();

    [Fact]
    public void Identity_Float() => AssertIdentity(Array.ConvertAll(Source, v => v));

    [Fact]
    public void Identity_Double() => AssertIdentity(Array.ConvertAll(Source, v => (double)v * Math.PI));

    [Fact]
    public void Identity_Float16() => AssertIdentity(Array.ConvertAll(Source, v => (Half)v));

    [Fact]
    public void Identity_BFloat16() => AssertIdentity(Array.ConvertAll(Source, BFloat16.FromSingle));

    [Fact]
    public void Identity_Int8() => AssertIdentity(new sbyte[] { -128, -1, 0, 1, 64, 127 });

    [Fact]
    public void Identity_Int16() => AssertIdentity(new short[] { short.MinValue, -1, 0, 1, 300, short.MaxValue });

    [Fact]
    public void Identity_Int32() => AssertIdentity(new[] { int.MinValue, -1, 0, 1, 70000, int.MaxValue });

    [Fact]
    public void Identity_Int64() => AssertIdentity(new[] { long.MinValue, -1L, 0L, 1L, 1L << 40, long.MaxValue });

    [Fact]
    public void Identity_UInt8() => AssertIdentity(new byte[] { 0, 1, 2, 128, 254, 255 });

    [Fact]
    public void Identity_UInt16() => AssertIdentity(new ushort[] { 0, 1, 2, 300, 40000, ushort.MaxValue });

    [Fact]
    public void Identity_UInt32() => AssertIdentity(new uint[] { 0, 1, 2, 70000, 3_000_000_000, uint.MaxValue });

    [Fact]
    public void Identity_UInt64() => AssertIdentity(new ulong[] { 0, 1, 2, 1UL << 40, 1UL << 63, ulong.MaxValue });

    [Fact]
    public void Identity_Bool() => AssertIdentity(new[] { true, false, false, true, true, false });

    [Fact]
    public void Identity_String()
    {
        string[] values = ["", "a", "héllo", "日本語", "with space", "🙂"];
        using var session = _environment.CreateSession(TestModels.Unary("Identity", TensorElementType.String, TensorElementType.String));
        using var input = OrtValue.CreateStringTensor(values, 2, 3);
        using var results = session.Run(new Dictionary<string, OrtValue> { ["x"] = input });

        Assert.Equal(TensorElementType.String, results["y"].ElementType);
        Assert.Equal([2L, 3L], results["y"].Shape.ToArray());
        Assert.Equal(values, results["y"].GetStrings());
        Assert.Equal(values, input.GetStrings());
    }

    [Fact]
    public void Cast_FromFloat_MatchesClrConversion()
    {
        AssertCast(v => v, Source);
        AssertCast(v => (double)v, Source);
        AssertCast(v => (Half)v, Source);
        AssertCast(BFloat16.FromSingle, Source);
        AssertCast(v => (sbyte)v, Source);
        AssertCast(v => (short)v, Source);
        AssertCast(v => (int)v, Source);
        AssertCast(v => (long)v, Source);
        AssertCast(v => (byte)v, NonNegative);
        AssertCast(v => (ushort)v, NonNegative);
        AssertCast(v => (uint)v, NonNegative);
        AssertCast(v => (ulong)v, NonNegative);
        AssertCast(v => v != 0, Source);
    }

    [Fact]
    public void Add_MatchesClrArithmetic()
    {
        AssertAdd([1.5f, -2f, 3f, 4f, 5f, 6f], [0.25f, 2f, -3f, 1f, 1f, 1f], (a, b) => a + b);
        AssertAdd([1.5, -2, 3, 4, 5, 6], [0.25, 2, -3, 1e10, 1, 1], (a, b) => a + b);
        AssertAdd([1, -2, 3, 4, 5, int.MaxValue - 1], [1, 2, -3, 4, 5, 1], (a, b) => a + b);
        AssertAdd([1L, -2, 3, 4, 5, long.MaxValue - 1], [1L, 2, -3, 4, 5, 1], (a, b) => a + b);
    }

    [Fact]
    public void Not_Bool()
    {
        bool[] values = [true, false, true, true, false, false];
        using var session = _environment.CreateSession(TestModels.Unary("Not", TensorElementType.Bool, TensorElementType.Bool));
        using var input = OrtValue.CreateTensor(values, 2, 3);
        using var results = session.Run(new Dictionary<string, OrtValue> { ["x"] = input });
        Assert.Equal(Array.ConvertAll(values, v => !v), results[0].GetTensorData<bool>().ToArray());
    }

    [Fact]
    public void ElementSizes_MatchClrSizes()
    {
        Assert.Equal(4, TensorElementType.Float.GetElementSize());
        Assert.Equal(8, TensorElementType.Double.GetElementSize());
        Assert.Equal(2, TensorElementType.Float16.GetElementSize());
        Assert.Equal(2, TensorElementType.BFloat16.GetElementSize());
        Assert.Equal(1, TensorElementType.Bool.GetElementSize());
        Assert.Equal(8, TensorElementType.UInt64.GetElementSize());
        Assert.Equal(0, TensorElementType.String.GetElementSize());
        Assert.Equal(16, (int)TensorElementType.BFloat16);
    }

    [Fact]
    public void BFloat16_RoundsToNearestEven()
    {
        Assert.Equal(1f, BFloat16.FromSingle(1f).ToSingle());
        Assert.Equal(-7.25f, BFloat16.FromSingle(-7.25f).ToSingle());
        Assert.Equal(1f, BFloat16.FromSingle(1.001f).ToSingle());
        Assert.True(float.IsNaN(BFloat16.FromSingle(float.NaN).ToSingle()));
    }

    private void AssertIdentity<T>(T[] values)
        where T : unmanaged
    {
        var type = TensorElementTypeExtensions.FromClrType<T>();
        using var session = _environment.CreateSession(TestModels.Unary("Identity", type, type));
        Assert.Equal(type, session.InputMetadata[0].ElementType);
        using var input = OrtValue.CreateTensor(values, 2, 3);
        using var results = session.Run(new Dictionary<string, OrtValue> { ["x"] = input });

        var output = results["y"];
        Assert.Equal(type, output.ElementType);
        Assert.Equal([2L, 3L], output.Shape.ToArray());
        Assert.Equal(values, output.GetTensorData<T>().ToArray());
    }

    private void AssertCast<T>(Func<float, T> convert, float[] values)
        where T : unmanaged
    {
        var type = TensorElementTypeExtensions.FromClrType<T>();
        using var session = _environment.CreateSession(
            TestModels.Unary("Cast", TensorElementType.Float, type, OnnxAttribute.Int("to", (long)type)));
        using var input = OrtValue.CreateTensor(values, 2, 3);
        using var results = session.Run(new Dictionary<string, OrtValue> { ["x"] = input });
        Assert.Equal(type, results[0].ElementType);
        Assert.Equal(Array.ConvertAll(values, v => convert(v)), results[0].GetTensorData<T>().ToArray());
    }

    private void AssertAdd<T>(T[] a, T[] b, Func<T, T, T> add)
        where T : unmanaged
    {
        var type = TensorElementTypeExtensions.FromClrType<T>();
        using var session = _environment.CreateSession(TestModels.Add(type));
        using var left = OrtValue.CreateTensor(a, 2, 3);
        using var right = OrtValue.CreateTensor(b, 2, 3);
        using var results = session.Run(new Dictionary<string, OrtValue> { ["a"] = left, ["b"] = right });
        var expected = new T[a.Length];
        for (var i = 0; i < a.Length; i++)
        {
            expected[i] = add(a[i], b[i]);
        }

        Assert.Equal(expected, results["sum"].GetTensorData<T>().ToArray());
    }
}
