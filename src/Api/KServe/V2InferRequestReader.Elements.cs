using System.Buffers.Binary;
using System.Text.Json;
using OrleansInference.Grid.Processing;

namespace OrleansInference.Api.KServe;

public static partial class V2InferRequestReader
{
    private readonly struct BoolElement : IElementReader
    {
        public static int Size => 1;

        public static ElementStatus Read(ref Utf8JsonReader reader, Span<byte> destination)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.True:
                    destination[0] = 1;
                    return ElementStatus.Ok;
                case JsonTokenType.False:
                    destination[0] = 0;
                    return ElementStatus.Ok;
                default:
                    return ElementStatus.WrongToken;
            }
        }
    }

    private readonly struct UInt8Element : IElementReader
    {
        public static int Size => 1;

        public static ElementStatus Read(ref Utf8JsonReader reader, Span<byte> destination)
        {
            var status = ReadSigned(ref reader, byte.MinValue, byte.MaxValue, out var value);
            destination[0] = (byte)value;
            return status;
        }
    }

    private readonly struct UInt16Element : IElementReader
    {
        public static int Size => 2;

        public static ElementStatus Read(ref Utf8JsonReader reader, Span<byte> destination)
        {
            var status = ReadSigned(ref reader, ushort.MinValue, ushort.MaxValue, out var value);
            BinaryPrimitives.WriteUInt16LittleEndian(destination, (ushort)value);
            return status;
        }
    }

    private readonly struct UInt32Element : IElementReader
    {
        public static int Size => 4;

        public static ElementStatus Read(ref Utf8JsonReader reader, Span<byte> destination)
        {
            var status = ReadSigned(ref reader, uint.MinValue, uint.MaxValue, out var value);
            BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)value);
            return status;
        }
    }

    private readonly struct UInt64Element : IElementReader
    {
        public static int Size => 8;

        public static ElementStatus Read(ref Utf8JsonReader reader, Span<byte> destination)
        {
            var status = ReadUnsigned64(ref reader, out var value);
            BinaryPrimitives.WriteUInt64LittleEndian(destination, value);
            return status;
        }
    }

    private readonly struct Int8Element : IElementReader
    {
        public static int Size => 1;

        public static ElementStatus Read(ref Utf8JsonReader reader, Span<byte> destination)
        {
            var status = ReadSigned(ref reader, sbyte.MinValue, sbyte.MaxValue, out var value);
            destination[0] = (byte)(sbyte)value;
            return status;
        }
    }

    private readonly struct Int16Element : IElementReader
    {
        public static int Size => 2;

        public static ElementStatus Read(ref Utf8JsonReader reader, Span<byte> destination)
        {
            var status = ReadSigned(ref reader, short.MinValue, short.MaxValue, out var value);
            BinaryPrimitives.WriteInt16LittleEndian(destination, (short)value);
            return status;
        }
    }

    private readonly struct Int32Element : IElementReader
    {
        public static int Size => 4;

        public static ElementStatus Read(ref Utf8JsonReader reader, Span<byte> destination)
        {
            var status = ReadSigned(ref reader, int.MinValue, int.MaxValue, out var value);
            BinaryPrimitives.WriteInt32LittleEndian(destination, (int)value);
            return status;
        }
    }

    private readonly struct Int64Element : IElementReader
    {
        public static int Size => 8;

        public static ElementStatus Read(ref Utf8JsonReader reader, Span<byte> destination)
        {
            var status = ReadSigned(ref reader, long.MinValue, long.MaxValue, out var value);
            BinaryPrimitives.WriteInt64LittleEndian(destination, value);
            return status;
        }
    }

    private readonly struct Float16Element : IElementReader
    {
        public static int Size => 2;

        public static ElementStatus Read(ref Utf8JsonReader reader, Span<byte> destination)
        {
            ElementStatus status;
            double value;
            if (reader.TokenType == JsonTokenType.Number)
            {
                status = reader.TryGetDouble(out value) && double.IsFinite(value) ? ElementStatus.Ok : ElementStatus.OutOfRange;
            }
            else
            {
                status = ReadNamedFloat(ref reader, out value);
            }

            // Rounds once, to nearest even, from the double the text denotes.
            var half = (Half)value;
            if (status == ElementStatus.Ok && Half.IsInfinity(half) && double.IsFinite(value))
            {
                status = ElementStatus.OutOfRange;
            }

            BinaryPrimitives.WriteHalfLittleEndian(destination, half);
            return status;
        }
    }

    private readonly struct Float32Element : IElementReader
    {
        public static int Size => 4;

        public static ElementStatus Read(ref Utf8JsonReader reader, Span<byte> destination)
        {
            float value;
            ElementStatus status;
            if (reader.TokenType == JsonTokenType.Number)
            {
                // Text beyond the float range parses as an infinity; only the strings below name infinities.
                status = reader.TryGetFiniteSingle(out value) ? ElementStatus.Ok : ElementStatus.OutOfRange;
            }
            else
            {
                status = ReadNamedFloat(ref reader, out var wide);
                value = (float)wide;
            }

            BinaryPrimitives.WriteSingleLittleEndian(destination, value);
            return status;
        }
    }

    private readonly struct Float64Element : IElementReader
    {
        public static int Size => 8;

        public static ElementStatus Read(ref Utf8JsonReader reader, Span<byte> destination)
        {
            double value;
            ElementStatus status;
            if (reader.TokenType == JsonTokenType.Number)
            {
                status = reader.TryGetDouble(out value) && double.IsFinite(value) ? ElementStatus.Ok : ElementStatus.OutOfRange;
            }
            else
            {
                status = ReadNamedFloat(ref reader, out value);
            }

            BinaryPrimitives.WriteDoubleLittleEndian(destination, value);
            return status;
        }
    }

    private readonly struct BFloat16Element : IElementReader
    {
        public static int Size => 2;

        public static ElementStatus Read(ref Utf8JsonReader reader, Span<byte> destination)
        {
            float value;
            ElementStatus status;
            if (reader.TokenType == JsonTokenType.Number)
            {
                status = reader.TryGetFiniteSingle(out value) ? ElementStatus.Ok : ElementStatus.OutOfRange;
            }
            else
            {
                status = ReadNamedFloat(ref reader, out var wide);
                value = (float)wide;
            }

            var bits = BFloat16Bits.FromSingle(value);
            if (status == ElementStatus.Ok && BFloat16Bits.IsInfinity(bits) && float.IsFinite(value))
            {
                status = ElementStatus.OutOfRange;
            }

            BinaryPrimitives.WriteUInt16LittleEndian(destination, bits);
            return status;
        }
    }

    /// <summary>
    /// An integer element in [<paramref name="min"/>, <paramref name="max"/>]. Integral numbers written with a
    /// fraction or exponent (<c>3.0</c>, <c>1e2</c>) are accepted; <c>1.5</c> is not.
    /// </summary>
    private static ElementStatus ReadSigned(ref Utf8JsonReader reader, long min, long max, out long value)
    {
        if (reader.TokenType != JsonTokenType.Number)
        {
            value = 0;
            return ElementStatus.WrongToken;
        }

        if (reader.TryGetInt64(out value))
        {
            return value >= min && value <= max ? ElementStatus.Ok : ElementStatus.OutOfRange;
        }

        var status = ReadIntegral(ref reader, min, (double)max + 1.0, out var integral);
        value = status == ElementStatus.Ok ? (long)integral : 0;
        return status;
    }

    private static ElementStatus ReadUnsigned64(ref Utf8JsonReader reader, out ulong value)
    {
        if (reader.TokenType != JsonTokenType.Number)
        {
            value = 0;
            return ElementStatus.WrongToken;
        }

        if (reader.TryGetUInt64(out value))
        {
            return ElementStatus.Ok;
        }

        var status = ReadIntegral(ref reader, 0, 18446744073709551616.0, out var integral);
        value = status == ElementStatus.Ok ? (ulong)integral : 0;
        return status;
    }

    /// <summary>The slow path for integers: a number in [<paramref name="min"/>, <paramref name="maxExclusive"/>) with no fractional part.</summary>
    private static ElementStatus ReadIntegral(ref Utf8JsonReader reader, double min, double maxExclusive, out double value)
    {
        value = 0;

        // An integer literal that TryGetInt64/TryGetUInt64 refused is out of range; only text with a fraction or exponent goes through double.
        if (RawText(ref reader).AsSpan().IndexOfAny(".eE") < 0 || !reader.TryGetDouble(out var number))
        {
            return ElementStatus.OutOfRange;
        }

        if (Math.Floor(number) != number)
        {
            return ElementStatus.NotInteger;
        }

        if (number < min || number >= maxExclusive)
        {
            return ElementStatus.OutOfRange;
        }

        value = number;
        return ElementStatus.Ok;
    }

    /// <summary>JSON has no NaN or infinities; floating-point data may give them as the strings "NaN", "Infinity" and "-Infinity".</summary>
    private static ElementStatus ReadNamedFloat(ref Utf8JsonReader reader, out double value)
    {
        value = 0;
        if (reader.TokenType != JsonTokenType.String)
        {
            return ElementStatus.WrongToken;
        }

        if (reader.ValueTextEquals("NaN"u8))
        {
            value = double.NaN;
        }
        else if (reader.ValueTextEquals("Infinity"u8))
        {
            value = double.PositiveInfinity;
        }
        else if (reader.ValueTextEquals("-Infinity"u8))
        {
            value = double.NegativeInfinity;
        }
        else
        {
            return ElementStatus.WrongToken;
        }

        return ElementStatus.Ok;
    }
}
