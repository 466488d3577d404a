using System.Buffers.Binary;
using System.Globalization;
using OrleansInference.Contracts.Inference;

namespace OrleansInference.Api.Tests.Conformance;

/// <summary>
/// Compares results with expected outputs as ONNX's backend test runner does: same count, datatype and shape;
/// floating-point elements within <c>|actual - expected| &lt;= atol + rtol * |expected|</c> (NaN equals NaN,
/// infinities must match), every other element exactly.
/// </summary>
public static class OutputComparison
{
    /// <summary>ONNX's default relative tolerance.</summary>
    public const double RelativeTolerance = 1e-3;

    /// <summary>ONNX's default absolute tolerance.</summary>
    public const double AbsoluteTolerance = 1e-7;

    /// <summary>Null when <paramref name="actual"/> matches <paramref name="expected"/>; otherwise the first difference.</summary>
    public static string? Compare(IReadOnlyList<ReferenceTensor> expected, IReadOnlyList<ReferenceTensor> actual)
    {
        if (expected.Count != actual.Count)
        {
            return $"{actual.Count} outputs, expected {expected.Count}";
        }

        for (var i = 0; i < expected.Count; i++)
        {
            if (Compare(expected[i], actual[i]) is { } difference)
            {
                return $"output {i} ('{actual[i].Name}'): {difference}";
            }
        }

        return null;
    }

    /// <summary>Whether two results are identical bit for bit (same datatype, shape and bytes or strings).</summary>
    public static bool Identical(IReadOnlyList<ReferenceTensor> a, IReadOnlyList<ReferenceTensor> b) =>
        a.Count == b.Count && a.Zip(b).All(p =>
            p.First.DataType == p.Second.DataType
            && p.First.Shape.AsSpan().SequenceEqual(p.Second.Shape)
            && p.First.Data.AsSpan().SequenceEqual(p.Second.Data)
            && (p.First.Strings ?? []).SequenceEqual(p.Second.Strings ?? []));

    private static string? Compare(ReferenceTensor expected, ReferenceTensor actual)
    {
        if (expected.DataType != actual.DataType)
        {
            return $"datatype {actual.DataType.ToV2Name()}, expected {expected.DataType.ToV2Name()}";
        }

        if (!expected.Shape.AsSpan().SequenceEqual(actual.Shape))
        {
            return $"shape {ShapeMath.Format(actual.Shape)}, expected {ShapeMath.Format(expected.Shape)}";
        }

        var count = (int)expected.ElementCount;
        if (expected.DataType == TensorDataType.String)
        {
            for (var i = 0; i < count; i++)
            {
                if (!string.Equals(expected.Strings![i], actual.Strings![i], StringComparison.Ordinal))
                {
                    return $"element {i} is \"{actual.Strings[i]}\", expected \"{expected.Strings[i]}\"";
                }
            }

            return null;
        }

        if (actual.Data.Length != expected.Data.Length)
        {
            return $"{actual.Data.Length} bytes, expected {expected.Data.Length}";
        }

        var size = expected.DataType.ElementSize();
        for (var i = 0; i < count; i++)
        {
            var e = expected.Data.AsSpan(i * size, size);
            var a = actual.Data.AsSpan(i * size, size);
            if (IsFloatingPoint(expected.DataType))
            {
                var ev = ToDouble(expected.DataType, e);
                var av = ToDouble(expected.DataType, a);
                if (!Close(ev, av))
                {
                    return string.Create(CultureInfo.InvariantCulture, $"element {i} is {av:R}, expected {ev:R} (rtol {RelativeTolerance}, atol {AbsoluteTolerance})");
                }
            }
            else if (!e.SequenceEqual(a))
            {
                return $"element {i} is {Convert.ToHexString(a)}, expected {Convert.ToHexString(e)} (little-endian bytes)";
            }
        }

        return null;
    }

    private static bool IsFloatingPoint(TensorDataType type) =>
        type is TensorDataType.Float16 or TensorDataType.BFloat16 or TensorDataType.Float32 or TensorDataType.Float64;

    private static double ToDouble(TensorDataType type, ReadOnlySpan<byte> bytes) => type switch
    {
        TensorDataType.Float16 => (double)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(bytes)),
        TensorDataType.BFloat16 => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes) << 16),
        TensorDataType.Float32 => BinaryPrimitives.ReadSingleLittleEndian(bytes),
        _ => BinaryPrimitives.ReadDoubleLittleEndian(bytes),
    };

    private static bool Close(double expected, double actual)
    {
        if (double.IsNaN(expected) || double.IsNaN(actual))
        {
            return double.IsNaN(expected) && double.IsNaN(actual);
        }

        if (double.IsInfinity(expected) || double.IsInfinity(actual))
        {
            return expected == actual;
        }

        return Math.Abs(actual - expected) <= AbsoluteTolerance + (RelativeTolerance * Math.Abs(expected));
    }
}
