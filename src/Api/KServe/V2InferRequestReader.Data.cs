using System.Text.Json;
using OrleansInference.Contracts.Inference;

namespace OrleansInference.Api.KServe;

public static partial class V2InferRequestReader
{
    private enum ElementStatus
    {
        Ok = 0,
        WrongToken,
        OutOfRange,
        NotInteger,
    }

    /// <summary>Where and why an element was rejected; built on the error path only.</summary>
    private readonly record struct ElementFailure(ElementStatus Status, long Index, JsonTokenType Token, string? Raw);

    /// <summary>Reads one JSON element into exactly <see cref="Size"/> little-endian bytes.</summary>
    private interface IElementReader
    {
        static abstract int Size { get; }

        static abstract ElementStatus Read(ref Utf8JsonReader reader, Span<byte> destination);
    }

    /// <summary>Reads <c>data</c> (the reader is on its property name) into a pooled buffer.</summary>
    private static string? ReadJsonData(
        ref Utf8JsonReader reader, string name, TensorDataType type, long[] shape, long count, long jsonLength, out NamedTensor? tensor)
    {
        tensor = null;
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return $"Input '{name}' 'data' must be an array, flat or nested row-major, but it is {Describe(reader.TokenType)}.";
        }

        if (type == TensorDataType.String)
        {
            return ReadJsonStrings(ref reader, name, shape, count, jsonLength, out tensor);
        }

        var size = type.ElementSize();

        // Every element takes at least one byte of JSON, so a count beyond the JSON's length cannot match: only count then.
        var store = count <= jsonLength && count * size <= Array.MaxLength;
        var byteLength = store ? (int)(count * size) : 0;
        PooledBytes? owner = null;
        byte[]? buffer = null;
        if (byteLength > 0)
        {
            owner = PooledBytes.Rent(byteLength, out buffer);
        }

        var destination = buffer.AsSpan(0, byteLength);
        var capacity = store ? count : 0;
        long given;
        ElementFailure failure;
        try
        {
            failure = ReadElementsOf(type, ref reader, destination, capacity, out given);
        }
        catch
        {
            owner?.Dispose();
            throw;
        }

        var error = failure.Status != ElementStatus.Ok ? ElementMessage(name, type, failure)
            : given != count ? CountMismatch(name, shape, count, given, "data element was given", "data elements were given")
            : !store ? $"Input '{name}' has shape {FormatShape(shape)} ({count} elements), more than one tensor can hold."
            : null;
        if (error is not null)
        {
            owner?.Dispose();
            return error;
        }

        tensor = new NamedTensor(name, type, shape, buffer is null ? ReadOnlyMemory<byte>.Empty : buffer.AsMemory(0, byteLength), owner);
        return null;
    }

    private static ElementFailure ReadElementsOf(TensorDataType type, ref Utf8JsonReader reader, Span<byte> destination, long capacity, out long given) => type switch
    {
        TensorDataType.Bool => ReadElements<BoolElement>(ref reader, destination, capacity, out given),
        TensorDataType.UInt8 => ReadElements<UInt8Element>(ref reader, destination, capacity, out given),
        TensorDataType.UInt16 => ReadElements<UInt16Element>(ref reader, destination, capacity, out given),
        TensorDataType.UInt32 => ReadElements<UInt32Element>(ref reader, destination, capacity, out given),
        TensorDataType.UInt64 => ReadElements<UInt64Element>(ref reader, destination, capacity, out given),
        TensorDataType.Int8 => ReadElements<Int8Element>(ref reader, destination, capacity, out given),
        TensorDataType.Int16 => ReadElements<Int16Element>(ref reader, destination, capacity, out given),
        TensorDataType.Int32 => ReadElements<Int32Element>(ref reader, destination, capacity, out given),
        TensorDataType.Int64 => ReadElements<Int64Element>(ref reader, destination, capacity, out given),
        TensorDataType.Float16 => ReadElements<Float16Element>(ref reader, destination, capacity, out given),
        TensorDataType.Float32 => ReadElements<Float32Element>(ref reader, destination, capacity, out given),
        TensorDataType.Float64 => ReadElements<Float64Element>(ref reader, destination, capacity, out given),
        _ => ReadElements<BFloat16Element>(ref reader, destination, capacity, out given),
    };

    /// <summary>
    /// Walks a flat or nested array, writing the first <paramref name="capacity"/> scalars and counting all of them.
    /// The reader ends on the array's closing bracket.
    /// </summary>
    private static ElementFailure ReadElements<T>(ref Utf8JsonReader reader, Span<byte> destination, long capacity, out long given)
        where T : struct, IElementReader
    {
        given = 0;
        var depth = 1;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartArray:
                    depth++;
                    break;
                case JsonTokenType.EndArray:
                    if (--depth == 0)
                    {
                        return default;
                    }

                    break;
                case JsonTokenType.StartObject:
                    return new ElementFailure(ElementStatus.WrongToken, given, reader.TokenType, null);
                default:
                    if (given < capacity)
                    {
                        var status = T.Read(ref reader, destination.Slice((int)given * T.Size, T.Size));
                        if (status != ElementStatus.Ok)
                        {
                            return new ElementFailure(status, given, reader.TokenType, RawText(ref reader));
                        }
                    }

                    given++;
                    break;
            }
        }

        return default;
    }

    private static string? ReadJsonStrings(
        ref Utf8JsonReader reader, string name, long[] shape, long count, long jsonLength, out NamedTensor? tensor)
    {
        tensor = null;

        // Every string takes at least its two quotes.
        var strings = count <= jsonLength / 2 ? (count == 0 ? [] : new string[count]) : null;
        long given = 0;
        var depth = 1;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.StartArray)
            {
                depth++;
            }
            else if (reader.TokenType == JsonTokenType.EndArray)
            {
                if (--depth == 0)
                {
                    break;
                }
            }
            else if (reader.TokenType != JsonTokenType.String)
            {
                return ElementMessage(name, TensorDataType.String, new ElementFailure(ElementStatus.WrongToken, given, reader.TokenType, null));
            }
            else
            {
                if (strings is not null && given < count)
                {
                    try
                    {
                        strings[given] = reader.GetString()!;
                    }
                    catch (InvalidOperationException)
                    {
                        return $"Input '{name}' element {given} is not valid UTF-8.";
                    }
                }

                given++;
            }
        }

        if (given != count)
        {
            return CountMismatch(name, shape, count, given, "data element was given", "data elements were given");
        }

        tensor = new NamedTensor(name, shape, strings!);
        return null;
    }

    private static string CountMismatch(string name, long[] shape, long count, long given, string one, string many) =>
        $"Input '{name}' has shape {FormatShape(shape)} ({count} elements) but {given} {(given == 1 ? one : many)}.";
}
