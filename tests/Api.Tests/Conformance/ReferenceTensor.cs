using System.Runtime.InteropServices;
using System.Text;
using OrleansInference.Contracts.Inference;
using OrleansInference.OnnxModel.Proto;

namespace OrleansInference.Api.Tests.Conformance;

/// <summary>
/// A tensor of ONNX's backend test data (an <c>input_N.pb</c> or <c>output_N.pb</c> <see cref="TensorProto"/>) or a
/// result: element type, shape, and the elements as little-endian bytes (strings for <see cref="TensorDataType.String"/>).
/// </summary>
public sealed record ReferenceTensor(string Name, TensorDataType DataType, long[] Shape, byte[] Data, string[]? Strings)
{
    /// <summary>Elements in the shape.</summary>
    public long ElementCount => ShapeMath.ElementCount(Shape);

    /// <summary>Reads a serialized <see cref="TensorProto"/>.</summary>
    /// <exception cref="NotSupportedException">The element type has no KServe v2 datatype (complex, 8-bit and 4-bit floats).</exception>
    public static ReferenceTensor Read(string path, string name)
    {
        var proto = TensorProto.Parser.ParseFrom(File.ReadAllBytes(path));
        return FromProto(proto, name);
    }

    /// <summary>Converts a <see cref="TensorProto"/>, taking its elements from raw_data or the typed field.</summary>
    public static ReferenceTensor FromProto(TensorProto proto, string name)
    {
        if (proto.DataLocation == TensorProto.Types.DataLocation.External)
        {
            throw new NotSupportedException($"Tensor '{name}' keeps its data in an external file.");
        }

        var type = ToDataType(proto.DataType);
        var shape = proto.Dims.ToArray();
        var count = checked((int)ShapeMath.ElementCount(shape));
        if (type == TensorDataType.String)
        {
            var strings = proto.StringData.Select(s => Encoding.UTF8.GetString(s.Span)).ToArray();
            if (strings.Length != count)
            {
                throw new InvalidDataException($"Tensor '{name}' has shape [{string.Join(',', shape)}] but {strings.Length} strings.");
            }

            return new ReferenceTensor(name, type, shape, [], strings);
        }

        var size = type.ElementSize();
        var data = new byte[count * size];
        if (!proto.RawData.IsEmpty)
        {
            if (proto.RawData.Length != data.Length)
            {
                throw new InvalidDataException($"Tensor '{name}' has {proto.RawData.Length} bytes of raw data; its shape needs {data.Length}.");
            }

            proto.RawData.Span.CopyTo(data);
            return new ReferenceTensor(name, type, shape, data, null);
        }

        switch (type)
        {
            case TensorDataType.Float32:
                Fill<float>(proto.FloatData.ToArray(), data, name);
                break;
            case TensorDataType.Float64:
                Fill<double>(proto.DoubleData.ToArray(), data, name);
                break;
            case TensorDataType.Int64:
                Fill<long>(proto.Int64Data.ToArray(), data, name);
                break;
            case TensorDataType.UInt64:
                Fill<ulong>(proto.Uint64Data.ToArray(), data, name);
                break;
            case TensorDataType.UInt32:
                Fill(proto.Uint64Data.Select(v => (uint)v).ToArray(), data, name);
                break;
            case TensorDataType.Int32:
                Fill<int>(proto.Int32Data.ToArray(), data, name);
                break;
            case TensorDataType.Int16:
                Fill(proto.Int32Data.Select(v => (short)v).ToArray(), data, name);
                break;
            case TensorDataType.UInt16 or TensorDataType.Float16 or TensorDataType.BFloat16:
                // FP16 and BF16 elements are stored as their bit patterns in int32_data.
                Fill(proto.Int32Data.Select(v => (ushort)v).ToArray(), data, name);
                break;
            case TensorDataType.Int8:
                Fill(proto.Int32Data.Select(v => (sbyte)v).ToArray(), data, name);
                break;
            case TensorDataType.UInt8 or TensorDataType.Bool:
                Fill(proto.Int32Data.Select(v => (byte)v).ToArray(), data, name);
                break;
            default:
                throw new NotSupportedException($"Tensor '{name}' has element type {type}.");
        }

        return new ReferenceTensor(name, type, shape, data, null);
    }

    /// <summary>The KServe v2 datatype of an ONNX element type.</summary>
    /// <exception cref="NotSupportedException">The element type has none.</exception>
    public static TensorDataType ToDataType(int onnxElementType)
    {
        var type = (TensorDataType)onnxElementType;
        foreach (var known in TensorDataTypes.All)
        {
            if (known == type)
            {
                return type;
            }
        }

        throw new NotSupportedException($"ONNX element type {(TensorProto.Types.DataType)onnxElementType} has no KServe v2 datatype.");
    }

    private static void Fill<T>(T[] values, byte[] destination, string name)
        where T : unmanaged
    {
        var bytes = MemoryMarshal.AsBytes(values.AsSpan());
        if (bytes.Length != destination.Length)
        {
            throw new InvalidDataException($"Tensor '{name}' holds {values.Length} elements; its shape needs {destination.Length / Marshal.SizeOf<T>()}.");
        }

        bytes.CopyTo(destination);
    }
}
