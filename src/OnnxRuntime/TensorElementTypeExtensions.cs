namespace OrleansInference.OnnxRuntime;

/// <summary>Sizes, display names and CLR mappings of <see cref="TensorElementType"/>.</summary>
public static class TensorElementTypeExtensions
{
    /// <summary>Bytes per element; 0 for <see cref="TensorElementType.String"/> and unknown types.</summary>
    public static int GetElementSize(this TensorElementType type) => type switch
    {
        TensorElementType.Float or TensorElementType.Int32 or TensorElementType.UInt32 => 4,
        TensorElementType.Double or TensorElementType.Int64 or TensorElementType.UInt64 => 8,
        TensorElementType.Float16 or TensorElementType.BFloat16 or TensorElementType.Int16 or TensorElementType.UInt16 => 2,
        TensorElementType.Int8 or TensorElementType.UInt8 or TensorElementType.Bool => 1,
        _ => 0,
    };

    /// <summary>The short name used in messages: <c>float32</c>, <c>int64</c>, <c>bfloat16</c>, ...</summary>
    public static string ToDisplayName(this TensorElementType type) => type switch
    {
        TensorElementType.Float => "float32",
        TensorElementType.Double => "float64",
        TensorElementType.Float16 => "float16",
        TensorElementType.BFloat16 => "bfloat16",
        TensorElementType.Int8 => "int8",
        TensorElementType.Int16 => "int16",
        TensorElementType.Int32 => "int32",
        TensorElementType.Int64 => "int64",
        TensorElementType.UInt8 => "uint8",
        TensorElementType.UInt16 => "uint16",
        TensorElementType.UInt32 => "uint32",
        TensorElementType.UInt64 => "uint64",
        TensorElementType.Bool => "bool",
        TensorElementType.String => "string",
        _ => $"type {(int)type}",
    };

    /// <summary>
    /// The element type for CLR type <typeparamref name="T"/> (<see cref="Half"/> for float16,
    /// <see cref="BFloat16"/> for bfloat16, <see cref="bool"/> for bool), or
    /// <see cref="TensorElementType.Undefined"/>.
    /// </summary>
    public static TensorElementType FromClrType<T>()
        where T : unmanaged
    {
        if (typeof(T) == typeof(float)) { return TensorElementType.Float; }
        if (typeof(T) == typeof(double)) { return TensorElementType.Double; }
        if (typeof(T) == typeof(Half)) { return TensorElementType.Float16; }
        if (typeof(T) == typeof(BFloat16)) { return TensorElementType.BFloat16; }
        if (typeof(T) == typeof(sbyte)) { return TensorElementType.Int8; }
        if (typeof(T) == typeof(short)) { return TensorElementType.Int16; }
        if (typeof(T) == typeof(int)) { return TensorElementType.Int32; }
        if (typeof(T) == typeof(long)) { return TensorElementType.Int64; }
        if (typeof(T) == typeof(byte)) { return TensorElementType.UInt8; }
        if (typeof(T) == typeof(ushort)) { return TensorElementType.UInt16; }
        if (typeof(T) == typeof(uint)) { return TensorElementType.UInt32; }
        if (typeof(T) == typeof(ulong)) { return TensorElementType.UInt64; }
        if (typeof(T) == typeof(bool)) { return TensorElementType.Bool; }
        return TensorElementType.Undefined;
    }
}
