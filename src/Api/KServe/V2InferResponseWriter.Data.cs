using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using OrleansInference.Contracts.Inference;

namespace OrleansInference.Api.KServe;

public static partial class V2InferResponseWriter
{
    private static void WriteData(Utf8JsonWriter writer, NamedTensor tensor)
    {
        var data = tensor.Data.Span;
        switch (tensor.DataType)
        {
            case TensorDataType.String:
                foreach (var value in tensor.Strings!)
                {
                    writer.WriteStringValue(value);
                }

                break;
            case TensorDataType.Bool:
                foreach (var value in data)
                {
                    writer.WriteBooleanValue(value != 0);
                }

                break;
            case TensorDataType.UInt8:
                foreach (var value in data)
                {
                    writer.WriteNumberValue((uint)value);
                }

                break;
            case TensorDataType.Int8:
                foreach (var value in data)
                {
                    writer.WriteNumberValue((sbyte)value);
                }

                break;
            case TensorDataType.UInt16:
                for (var i = 0; i < data.Length; i += 2)
                {
                    writer.WriteNumberValue((uint)BinaryPrimitives.ReadUInt16LittleEndian(data[i..]));
                }

                break;
            case TensorDataType.Int16:
                for (var i = 0; i < data.Length; i += 2)
                {
                    writer.WriteNumberValue(BinaryPrimitives.ReadInt16LittleEndian(data[i..]));
                }

                break;
            case TensorDataType.UInt32:
                for (var i = 0; i < data.Length; i += 4)
                {
                    writer.WriteNumberValue(BinaryPrimitives.ReadUInt32LittleEndian(data[i..]));
                }

                break;
            case TensorDataType.Int32:
                for (var i = 0; i < data.Length; i += 4)
                {
                    writer.WriteNumberValue(BinaryPrimitives.ReadInt32LittleEndian(data[i..]));
                }

                break;
            case TensorDataType.UInt64:
                for (var i = 0; i < data.Length; i += 8)
                {
                    writer.WriteNumberValue(BinaryPrimitives.ReadUInt64LittleEndian(data[i..]));
                }

                break;
            case TensorDataType.Int64:
                for (var i = 0; i < data.Length; i += 8)
                {
                    writer.WriteNumberValue(BinaryPrimitives.ReadInt64LittleEndian(data[i..]));
                }

                break;
            case TensorDataType.Float32:
                for (var i = 0; i < data.Length; i += 4)
                {
                    WriteSingle(writer, BinaryPrimitives.ReadSingleLittleEndian(data[i..]));
                }

                break;
            case TensorDataType.Float64:
                for (var i = 0; i < data.Length; i += 8)
                {
                    WriteDouble(writer, BinaryPrimitives.ReadDoubleLittleEndian(data[i..]));
                }

                break;
            case TensorDataType.Float16:
                for (var i = 0; i < data.Length; i += 2)
                {
                    WriteHalf(writer, BinaryPrimitives.ReadHalfLittleEndian(data[i..]));
                }

                break;
            case TensorDataType.BFloat16:
                for (var i = 0; i < data.Length; i += 2)
                {
                    WriteBFloat16(writer, BinaryPrimitives.ReadUInt16LittleEndian(data[i..]));
                }

                break;
            default:
                throw new ArgumentException($"Output '{tensor.Name}' has datatype {tensor.DataType}, which the v2 protocol cannot carry.", nameof(tensor));
        }
    }

    private static void WriteSingle(Utf8JsonWriter writer, float value)
    {
        if (float.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            WriteNonFinite(writer, value);
        }
    }

    private static void WriteDouble(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            WriteNonFinite(writer, value);
        }
    }

    private static void WriteHalf(Utf8JsonWriter writer, Half value)
    {
        if (!Half.IsFinite(value))
        {
            WriteNonFinite(writer, (double)value);
            return;
        }

        // Half's default format is its own shortest round-trip text (0.1, not 0.0999755859375).
        Span<byte> text = stackalloc byte[32];
        value.TryFormat(text, out var written, default, CultureInfo.InvariantCulture);
        writer.WriteRawValue(text[..written], skipInputValidation: true);
    }

    /// <summary>The shortest decimal that reads back to the same bfloat16 (0.1, not the float 0.10009766).</summary>
    private static void WriteBFloat16(Utf8JsonWriter writer, ushort bits)
    {
        var value = BFloat16Bits.ToSingle(bits);
        if (!float.IsFinite(value))
        {
            WriteNonFinite(writer, value);
            return;
        }

        Span<byte> text = stackalloc byte[32];
        var written = 0;
        for (var precision = 1; precision <= 9; precision++)
        {
            value.TryFormat(text, out written, Precisions[precision], CultureInfo.InvariantCulture);
            if (float.TryParse(text[..written], NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)
                && BFloat16Bits.FromSingle(parsed) == bits)
            {
                break;
            }
        }

        writer.WriteRawValue(text[..written], skipInputValidation: true);
    }

    private static readonly string[] Precisions = ["G0", "G1", "G2", "G3", "G4", "G5", "G6", "G7", "G8", "G9"];

    private static void WriteNonFinite(Utf8JsonWriter writer, double value)
    {
        if (double.IsNaN(value))
        {
            writer.WriteStringValue("NaN"u8);
        }
        else
        {
            writer.WriteStringValue(value > 0 ? "Infinity"u8 : "-Infinity"u8);
        }
    }
}
