

namespace OrleansInference.Contracts.Inference;

/// <summary>Conversions between <see cref="TensorDataType"/>, KServe v2 datatype names and element sizes.</summary>
public static class TensorDataTypes
{
    /// <summary>Every datatype the v2 protocol names, in the protocol's order.</summary>
    public static ReadOnlySpan<TensorDataType> All =>
    [
        TensorDataType.Bool, TensorDataType.UInt8, TensorDataType.UInt16, TensorDataType.UInt32, TensorDataType.UInt64,
        TensorDataType.Int8, TensorDataType.Int16, TensorDataType.Int32, TensorDataType.Int64,
        TensorDataType.Float16, TensorDataType.Float32, TensorDataType.Float64, TensorDataType.BFloat16, TensorDataType.String,
    ];

    /// <summary>The KServe v2 name of <paramref name="type"/> (for example <c>FP32</c>).</summary>
    public static string ToV2Name(this TensorDataType type) => type switch
    {
        TensorDataType.Bool => "BOOL",
        TensorDataType.UInt8 => "UINT8",
        TensorDataType.UInt16 => "UINT16",
        TensorDataType.UInt32 => "UINT32",
        TensorDataType.UInt64 => "UINT64",
        TensorDataType.Int8 => "INT8",
        TensorDataType.Int16 => "INT16",
        TensorDataType.Int32 => "INT32",
        TensorDataType.Int64 => "INT64",
        TensorDataType.Float16 => "FP16",
        TensorDataType.Float32 => "FP32",
        TensorDataType.Float64 => "FP64",
        TensorDataType.BFloat16 => "BF16",
        TensorDataType.String => "BYTES",
        _ => "UNDEFINED",
    };

    /// <summary>Parses a KServe v2 datatype name (case-sensitive, as the protocol defines them).</summary>
    public static bool TryParseV2Name(ReadOnlySpan<char> name, out TensorDataType type)
    {
        type = name switch
        {
            "BOOL" => TensorDataType.Bool,
            "UINT8" => TensorDataType.UInt8,
            "UINT16" => TensorDataType.UInt16,
            "UINT32" => TensorDataType.UInt32,
            "UINT64" => TensorDataType.UInt64,
            "INT8" => TensorDataType.Int8,
            "INT16" => TensorDataType.Int16,
            "INT32" => TensorDataType.Int32,
            "INT64" => TensorDataType.Int64,
            "FP16" => TensorDataType.Float16,
            "FP32" => TensorDataType.Float32,
            "FP64" => TensorDataType.Float64,
            "BF16" => TensorDataType.BFloat16,
            "BYTES" => TensorDataType.String,
            _ => TensorDataType.Undefined,
        };
        return type != TensorDataType.Undefined;
    }

    /// <summary>Bytes per element; 0 for <see cref="TensorDataType.String"/>, whose elements vary in size.</summary>
    public static int ElementSize(this TensorDataType type) => type switch
    {
        TensorDataType.Bool or TensorDataType.UInt8 or TensorDataType.Int8 => 1,
        TensorDataType.UInt16 or TensorDataType.Int16 or TensorDataType.Float16 or TensorDataType.BFloat16 => 2,
        TensorDataType.UInt32 or TensorDataType.Int32 or TensorDataType.Float32 => 4,
        TensorDataType.UInt64 or TensorDataType.Int64 or TensorDataType.Float64 => 8,
        _ => 0,
    };
}
