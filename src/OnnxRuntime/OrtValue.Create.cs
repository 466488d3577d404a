using System.Buffers;
using OrleansInference.OnnxRuntime.Native;

namespace OrleansInference.OnnxRuntime;

public sealed unsafe partial class OrtValue
{
    /// <summary>
    /// A tensor over <paramref name="data"/> without copying: the memory is pinned until the value
    /// is disposed, and ONNX Runtime reads (and for outputs, writes) it in place.
    /// </summary>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> is not a tensor element type, or the shape does not match the length.</exception>
    public static OrtValue CreateTensor<T>(Memory<T> data, params ReadOnlySpan<long> shape)
        where T : unmanaged
    {
        var type = RequireElementType<T>();
        var shapeCopy = shape.ToArray();
        var count = CountElements(shapeCopy);
        if (count != data.Length)
        {
            throw new ArgumentException(
                $"Shape {TensorMetadata.FormatShape(shapeCopy)} describes {count} elements; the buffer holds {data.Length}.", nameof(data));
        }

        var pin = data.Pin();
        try
        {
            return Create(type, pin.Pointer, (long)data.Length * sizeof(T), shapeCopy, count, pin);
        }
        catch
        {
            pin.Dispose();
            throw;
        }
    }

    /// <summary>A tensor over <paramref name="data"/> without copying; see <see cref="CreateTensor{T}(Memory{T}, ReadOnlySpan{long})"/>.</summary>
    public static OrtValue CreateTensor<T>(T[] data, params ReadOnlySpan<long> shape)
        where T : unmanaged =>
        CreateTensor(new Memory<T>(data), shape);

    /// <summary>
    /// A tensor over native memory the caller owns (for example a pooled <c>NativeMemory</c>
    /// buffer). The memory must stay valid until the value is disposed.
    /// </summary>
    public static OrtValue CreateTensor(TensorElementType elementType, nint data, long byteLength, params ReadOnlySpan<long> shape)
    {
        var size = elementType.GetElementSize();
        if (size == 0)
        {
            throw new ArgumentException(
                $"Element type {elementType.ToDisplayName()} cannot be laid over raw memory; use CreateStringTensor for strings.", nameof(elementType));
        }

        var shapeCopy = shape.ToArray();
        var count = CountElements(shapeCopy);
        if (count * size != byteLength)
        {
            throw new ArgumentException(
                $"Shape {TensorMetadata.FormatShape(shapeCopy)} of {elementType.ToDisplayName()} needs {count * size} bytes; the buffer has {byteLength}.",
                nameof(byteLength));
        }

        return Create(elementType, (void*)data, byteLength, shapeCopy, count, default);
    }

    /// <summary>A tensor whose memory ONNX Runtime allocates (zero-initialization not guaranteed), for example to pre-allocate outputs.</summary>
    public static OrtValue AllocateTensor(TensorElementType elementType, params ReadOnlySpan<long> shape)
    {
        if (elementType == TensorElementType.Undefined)
        {
            throw new ArgumentException("The element type must be defined.", nameof(elementType));
        }

        var api = NativeApi.Instance;
        var shapeCopy = shape.ToArray();
        var count = CountElements(shapeCopy);
        nint value;
        fixed (long* dims = shapeCopy)
        {
            api.ThrowIfError(api.CreateTensorAsOrtValue(api.DefaultAllocator, dims, (nuint)shapeCopy.Length, (int)elementType, &value));
        }

        return new OrtValue(new ValueHandle(value), elementType, shapeCopy, count, null);
    }

    private static OrtValue Create(TensorElementType type, void* data, long byteLength, long[] shape, long count, MemoryHandle pin)
    {
        var api = NativeApi.Instance;
        nint value;
        fixed (long* dims = shape)
        {
            api.ThrowIfError(api.CreateTensorWithDataAsOrtValue(
                api.CpuMemoryInfo, data, (nuint)byteLength, dims, (nuint)shape.Length, (int)type, &value));
        }

        return new OrtValue(new ValueHandle(value, pin), type, shape, count, data);
    }

    private static TensorElementType RequireElementType<T>()
        where T : unmanaged
    {
        var type = TensorElementTypeExtensions.FromClrType<T>();
        if (type == TensorElementType.Undefined)
        {
            throw new ArgumentException(
                $"{typeof(T).Name} is not a tensor element type; use float, double, Half, BFloat16, sbyte, short, int, long, byte, ushort, uint, ulong or bool.");
        }

        return type;
    }
}
