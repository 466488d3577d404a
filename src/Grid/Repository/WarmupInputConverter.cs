using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using OrleansInference.Contracts.Inference;

namespace OrleansInference.Grid.Repository;

/// <summary>Turns a config's <see cref="WarmupInput"/> into a tensor, or says which element is wrong and why.</summary>
public static class WarmupInputConverter
{
    /// <summary>Null and the tensor on success; otherwise a sentence naming the input and the problem.</summary>
    public static string? TryConvert(WarmupInput input, out NamedTensor? tensor)
    {
        tensor = null;
        var label = $"warmup_inputs '{input.Name}'";
        if (string.IsNullOrEmpty(input.Name))
        {
            return "Every warmup_inputs entry needs a name.";
        }

        if (!TensorDataTypes.TryParseV2Name(input.Datatype, out var type))
        {
            return $"{label} has datatype '{input.Datatype}'; expected a KServe v2 datatype such as FP32.";
        }

        if (input.Shape is null || Array.Exists(input.Shape, d => d < 0))
        {
            return $"{label} needs a concrete shape: dimensions of 0 or more ([] for a scalar).";
        }

        long count;
        try
        {
            count = ShapeMath.ElementCount(input.Shape);
        }
        catch (OverflowException)
        {
            return $"{label} has a shape whose element count does not fit in 64 bits.";
        }

        if (input.Data.ValueKind != JsonValueKind.Array || input.Data.GetArrayLength() != count)
        {
            var given = input.Data.ValueKind == JsonValueKind.Array ? input.Data.GetArrayLength().ToString(CultureInfo.InvariantCulture) : "no array of";
            return $"{label} has shape {ShapeMath.Format(input.Shape)} ({count} elements) but {given} data elements.";
        }

        if (type == TensorDataType.String)
        {
            var strings = new string[count];
            var i = 0;
            foreach (var element in input.Data.EnumerateArray())
            {
                if (element.ValueKind != JsonValueKind.String)
                {
                    return $"{label} element {i} is {element.ValueKind}; BYTES elements are strings.";
                }

                strings[i++] = element.GetString()!;
            }

            tensor = new NamedTensor(input.Name, input.Shape, strings);
            return null;
        }

        var size = type.ElementSize();
        var data = new byte[count * size];
        var index = 0;
        foreach (var element in input.Data.EnumerateArray())
        {
            if (!TryWrite(type, element, data.AsSpan(index * size, size)))
            {
                return $"{label} element {index} ({element.GetRawText()}) is not a {type.ToV2Name()} value.";
            }

            index++;
        }

        tensor = new NamedTensor(input.Name, type, input.Shape, data);
        return null;
    }

    private static bool TryWrite(TensorDataType type, JsonElement element, Span<byte> destination)
    {
        if (type == TensorDataType.Bool)
        {
            if (element.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                return false;
            }

            destination[0] = element.GetBoolean() ? (byte)1 : (byte)0;
            return true;
        }

        if (element.ValueKind != JsonValueKind.Number)
        {
            return false;
        }

        switch (type)
        {
            case TensorDataType.Float16:
                BinaryPrimitives.WriteHalfLittleEndian(destination, (Half)element.GetDouble());
                return true;
            case TensorDataType.BFloat16:
                // Round to nearest even on the top 16 bits of the FP32 pattern.
                var bits = BitConverter.SingleToUInt32Bits((float)element.GetDouble());
                BinaryPrimitives.WriteUInt16LittleEndian(destination, (ushort)((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16));
                return true;
            case TensorDataType.Float32:
                BinaryPrimitives.WriteSingleLittleEndian(destination, (float)element.GetDouble());
                return true;
            case TensorDataType.Float64:
                BinaryPrimitives.WriteDoubleLittleEndian(destination, element.GetDouble());
                return true;
            case TensorDataType.UInt64:
                if (!element.TryGetUInt64(out var u64))
                {
                    return false;
                }

                BinaryPrimitives.WriteUInt64LittleEndian(destination, u64);
                return true;
        }

        if (!element.TryGetInt64(out var value))
        {
            return false;
        }

        switch (type)
        {
            case TensorDataType.Int8 when value is >= sbyte.MinValue and <= sbyte.MaxValue:
                destination[0] = (byte)(sbyte)value;
                return true;
            case TensorDataType.UInt8 when value is >= byte.MinValue and <= byte.MaxValue:
                destination[0] = (byte)value;
                return true;
            case TensorDataType.Int16 when value is >= short.MinValue and <= short.MaxValue:
                BinaryPrimitives.WriteInt16LittleEndian(destination, (short)value);
                return true;
            case TensorDataType.UInt16 when value is >= ushort.MinValue and <= ushort.MaxValue:
                BinaryPrimitives.WriteUInt16LittleEndian(destination, (ushort)value);
                return true;
            case TensorDataType.Int32 when value is >= int.MinValue and <= int.MaxValue:
                BinaryPrimitives.WriteInt32LittleEndian(destination, (int)value);
                return true;
            case TensorDataType.UInt32 when value is >= uint.MinValue and <= uint.MaxValue:
                BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)value);
                return true;
            case TensorDataType.Int64:
                BinaryPrimitives.WriteInt64LittleEndian(destination, value);
                return true;
            default:
                return false;
        }
    }
}
