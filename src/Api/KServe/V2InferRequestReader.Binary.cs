using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;
using OrleansInference.Contracts.Inference;

namespace OrleansInference.Api.KServe;

public static partial class V2InferRequestReader
{
    /// <summary>Takes an input's <paramref name="size"/> bytes of binary tensor data from the body after the JSON header.</summary>
    private static string? ReadBinaryData(
        ref V2BinaryTail tail, string name, TensorDataType type, long[] shape, long count, long size, out NamedTensor? tensor)
    {
        tensor = null;
        if (size > tail.Remaining)
        {
            return $"Input '{name}' has '{V2Protocol.BinaryDataSize}' {size}, but only {tail.Remaining} bytes of binary data remain after the JSON header.";
        }

        if (size > Array.MaxLength)
        {
            return $"Input '{name}' has '{V2Protocol.BinaryDataSize}' {size}, more than one tensor can hold.";
        }

        if (type == TensorDataType.String)
        {
            return ReadBinaryStrings(ref tail, name, shape, count, (int)size, out tensor);
        }

        var elementSize = type.ElementSize();
        if (count > long.MaxValue / elementSize || count * elementSize != size)
        {
            var needed = count > long.MaxValue / elementSize ? "more than 2^63" : (count * elementSize).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return $"Input '{name}' has shape {FormatShape(shape)} of {type.ToV2Name()}, which needs {needed} bytes, but its '{V2Protocol.BinaryDataSize}' is {size}.";
        }

        if (size == 0)
        {
            tensor = new NamedTensor(name, type, shape, ReadOnlyMemory<byte>.Empty);
            return null;
        }

        var owner = PooledBytes.Rent((int)size, out var buffer);
        var destination = buffer.AsSpan(0, (int)size);
        tail.CopyTo(destination);
        if (type == TensorDataType.Bool)
        {
            var bad = destination.IndexOfAnyExcept((byte)0, (byte)1);
            if (bad >= 0)
            {
                owner.Dispose();
                return $"Input '{name}' element {bad} of BOOL binary data is {buffer[bad]}; BOOL elements are one byte, 0 or 1.";
            }
        }

        tensor = new NamedTensor(name, type, shape, buffer.AsMemory(0, (int)size), owner);
        return null;
    }

    /// <summary>BYTES binary data: each element is a 4-byte little-endian length followed by that many bytes.</summary>
    private static string? ReadBinaryStrings(ref V2BinaryTail tail, string name, long[] shape, long count, int size, out NamedTensor? tensor)
    {
        tensor = null;
        byte[]? scratch = null;
        try
        {
            var raw = tail.Take(size, ref scratch);

            // Every element takes at least its length prefix.
            var strings = count <= raw.Length / 4 ? (count == 0 ? [] : new string[count]) : null;
            long given = 0;
            var position = 0;
            while (position < raw.Length)
            {
                if (raw.Length - position < 4)
                {
                    return $"Input '{name}' binary data ends inside the 4-byte length prefix of element {given}.";
                }

                var length = BinaryPrimitives.ReadUInt32LittleEndian(raw[position..]);
                position += 4;
                if (length > (uint)(raw.Length - position))
                {
                    return $"Input '{name}' element {given} declares {length} bytes, but only {raw.Length - position} bytes of its binary data remain.";
                }

                var bytes = raw.Slice(position, (int)length);
                position += (int)length;
                if (strings is not null && given < count)
                {
                    if (!Utf8.IsValid(bytes))
                    {
                        return $"Input '{name}' element {given} is not valid UTF-8; BYTES elements are held as text.";
                    }

                    strings[given] = Encoding.UTF8.GetString(bytes);
                }

                given++;
            }

            if (given != count)
            {
                return CountMismatch(name, shape, count, given, "element is in its binary data", "elements are in its binary data");
            }

            tensor = new NamedTensor(name, shape, strings!);
            return null;
        }
        finally
        {
            if (scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }
        }
    }
}
