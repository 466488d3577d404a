using Orleans;

namespace OrleansInference.Contracts.Inference;

/// <summary>
/// Element type of a tensor on the wire. Values follow ONNX's <c>TensorProto.DataType</c> numbering so a
/// conversion to the runtime's element type is a cast; names map one-to-one onto the KServe v2 datatypes.
/// </summary>
[GenerateSerializer]
[Alias("oi.TensorDataType")]
public enum TensorDataType
{
    /// <summary>Not set.</summary>
    Undefined = 0,
    /// <summary>KServe <c>FP32</c>.</summary>
    Float32 = 1,
    /// <summary>KServe <c>UINT8</c>.</summary>
    UInt8 = 2,
    /// <summary>KServe <c>INT8</c>.</summary>
    Int8 = 3,
    /// <summary>KServe <c>UINT16</c>.</summary>
    UInt16 = 4,
    /// <summary>KServe <c>INT16</c>.</summary>
    Int16 = 5,
    /// <summary>KServe <c>INT32</c>.</summary>
    Int32 = 6,
    /// <summary>KServe <c>INT64</c>.</summary>
    Int64 = 7,
    /// <summary>KServe <c>BYTES</c>: UTF-8 strings.</summary>
    String = 8,
    /// <summary>KServe <c>BOOL</c>, one byte per element.</summary>
    Bool = 9,
    /// <summary>KServe <c>FP16</c>.</summary>
    Float16 = 10,
    /// <summary>KServe <c>FP64</c>.</summary>
    Float64 = 11,
    /// <summary>KServe <c>UINT32</c>.</summary>
    UInt32 = 12,
    /// <summary>KServe <c>UINT64</c>.</summary>
    UInt64 = 13,
    /// <summary>KServe <c>BF16</c>.</summary>
    BFloat16 = 16,
}
