using System.Buffers.Binary;
using System.Text;
using Google.Protobuf;
using OrleansInference.OnnxModel.Proto;

namespace OrleansInference.OnnxModel;

/// <summary>
/// Creates <see cref="TensorProto"/> values. Numeric data is stored in <c>raw_data</c> as
/// little-endian fixed-width elements, which ONNX Runtime reads without conversion.
/// </summary>
public static class OnnxTensors
{
    /// <summary>A float32 tensor.</summary>
    public static TensorProto Float(string name, ReadOnlySpan<float> values, params long[] dims)
    {
        var bytes = new byte[values.Length * sizeof(float)];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
        }

        return Create(name, TensorProto.Types.DataType.Float, bytes, values.Length, dims);
    }

    /// <summary>A float64 tensor.</summary>
    public static TensorProto Double(string name, ReadOnlySpan<double> values, params long[] dims)
    {
        var bytes = new byte[values.Length * sizeof(double)];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(i * sizeof(double)), values[i]);
        }

        return Create(name, TensorProto.Types.DataType.Double, bytes, values.Length, dims);
    }

    /// <summary>An int64 tensor.</summary>
    public static TensorProto Int64(string name, ReadOnlySpan<long> values, params long[] dims)
    {
        var bytes = new byte[values.Length * sizeof(long)];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * sizeof(long)), values[i]);
        }

        return Create(name, TensorProto.Types.DataType.Int64, bytes, values.Length, dims);
    }

    /// <summary>An int32 tensor.</summary>
    public static TensorProto Int32(string name, ReadOnlySpan<int> values, params long[] dims)
    {
        var bytes = new byte[values.Length * sizeof(int)];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * sizeof(int)), values[i]);
        }

        return Create(name, TensorProto.Types.DataType.Int32, bytes, values.Length, dims);
    }

    /// <summary>A string tensor (UTF-8 elements in <c>string_data</c>).</summary>
    public static TensorProto String(string name, IReadOnlyList<string> values, params long[] dims)
    {
        CheckElementCount(name, values.Count, dims);
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.String };
        tensor.Dims.AddRange(dims);
        foreach (var value in values)
        {
            tensor.StringData.Add(ByteString.CopyFrom(value, Encoding.UTF8));
        }

        return tensor;
    }

    private static TensorProto Create(string name, TensorProto.Types.DataType type, byte[] bytes, int count, long[] dims)
    {
        CheckElementCount(name, count, dims);
        var tensor = new TensorProto
        {
            Name = name,
            DataType = (int)type,
            RawData = ByteString.CopyFrom(bytes),
        };
        tensor.Dims.AddRange(dims);
        return tensor;
    }

    private static void CheckElementCount(string name, int count, long[] dims)
    {
        long expected = 1;
        foreach (var dim in dims)
        {
            if (dim < 0)
            {
                throw new ArgumentException($"Tensor '{name}' has a negative dimension {dim}; initializer dimensions must be fixed.", nameof(dims));
            }

            expected *= dim;
        }

        if (expected != count)
        {
            throw new ArgumentException(
                $"Tensor '{name}' has {count} elements but dimensions [{string.Join(",", dims)}] describe {expected}.",
                nameof(dims));
        }
    }
}
