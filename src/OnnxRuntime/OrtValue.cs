using OrleansInference.OnnxRuntime.Native;

namespace OrleansInference.OnnxRuntime;

/// <summary>
/// A tensor owned by ONNX Runtime or laid over caller memory. Dispose it: a tensor over caller
/// memory keeps that memory pinned until then, and one returned by a run holds native memory.
/// Spans from <see cref="GetTensorData{T}"/> are valid only until disposal.
/// </summary>
public sealed unsafe partial class OrtValue : IDisposable
{
    private readonly NativeApi _api;
    private TensorElementType _elementType;
    private long[]? _shape;
    private long _elementCount;
    private void* _data;

    internal OrtValue(ValueHandle handle, TensorElementType elementType, long[] shape, long elementCount, void* data)
    {
        _api = NativeApi.Instance;
        Handle = handle;
        _elementType = elementType;
        _shape = shape;
        _elementCount = elementCount;
        _data = data;
    }

    /// <summary>Wraps a value ONNX Runtime produced; type and shape are read on first use.</summary>
    internal OrtValue(ValueHandle handle)
    {
        _api = NativeApi.Instance;
        Handle = handle;
    }

    internal ValueHandle Handle { get; }

    /// <summary>The element type; <see cref="TensorElementType.Undefined"/> for non-tensor values.</summary>
    public TensorElementType ElementType
    {
        get
        {
            EnsureTypeAndShape();
            return _elementType;
        }
    }

    /// <summary>The tensor's dimensions.</summary>
    public ReadOnlySpan<long> Shape
    {
        get
        {
            EnsureTypeAndShape();
            return _shape;
        }
    }

    /// <summary>The number of elements (product of <see cref="Shape"/>).</summary>
    public long ElementCount
    {
        get
        {
            EnsureTypeAndShape();
            return _elementCount;
        }
    }

    /// <summary>
    /// The tensor's elements, in place (no copy). <typeparamref name="T"/> must match
    /// <see cref="ElementType"/>: <see cref="float"/>, <see cref="Half"/>, <see cref="BFloat16"/>,
    /// <see cref="bool"/>, ... Not for string tensors (use <see cref="GetStrings"/>).
    /// </summary>
    public Span<T> GetTensorData<T>()
        where T : unmanaged
    {
        var requested = TensorElementTypeExtensions.FromClrType<T>();
        if (requested != ElementType || requested == TensorElementType.Undefined)
        {
            throw new InvalidOperationException(
                $"The tensor holds {ElementType.ToDisplayName()} elements; they cannot be read as {typeof(T).Name}.");
        }

        if (_data == null)
        {
            using var lease = new HandleLease(Handle);
            void* data;
            _api.ThrowIfError(_api.GetTensorMutableData(Handle.Pointer, &data));
            _data = data;
        }

        return new Span<T>(_data, checked((int)_elementCount));
    }

    /// <summary>
    /// The tensor's elements as raw bytes, in place (no copy), whatever the element type; for copying outputs into
    /// buffers of the wire format. Not for string tensors (use <see cref="GetStrings"/>).
    /// </summary>
    public Span<byte> GetTensorBytes()
    {
        var size = ElementType.GetElementSize();
        if (size == 0)
        {
            throw new InvalidOperationException($"The tensor holds {ElementType.ToDisplayName()} elements, which have no fixed-size byte layout.");
        }

        if (_data == null)
        {
            using var lease = new HandleLease(Handle);
            void* data;
            _api.ThrowIfError(_api.GetTensorMutableData(Handle.Pointer, &data));
            _data = data;
        }

        return new Span<byte>(_data, checked((int)(_elementCount * size)));
    }

    /// <summary>Releases the native value, then unpins caller memory it was laid over.</summary>
    public void Dispose() => Handle.Dispose();

    private void EnsureTypeAndShape()
    {
        if (_shape is not null)
        {
            return;
        }

        using var lease = new HandleLease(Handle);
        int valueType;
        _api.ThrowIfError(_api.GetValueType(Handle.Pointer, &valueType));
        if (valueType != 1 /* ONNX_TYPE_TENSOR */)
        {
            _elementType = TensorElementType.Undefined;
            _elementCount = 0;
            _shape = [];
            return;
        }

        nint info;
        _api.ThrowIfError(_api.GetTensorTypeAndShape(Handle.Pointer, &info));
        using var infoHandle = new TensorTypeAndShapeInfoHandle(info);
        var (type, shape) = TensorInfoReader.ReadTypeAndShape(_api, info);
        _elementType = type;
        _elementCount = CountElements(shape);
        _shape = shape;
    }

    private static long CountElements(ReadOnlySpan<long> shape)
    {
        long count = 1;
        foreach (var dim in shape)
        {
            if (dim < 0)
            {
                throw new ArgumentException(
                    $"Shape {TensorMetadata.FormatShape(shape)} has a negative dimension; tensor dimensions must be 0 or more.", nameof(shape));
            }

            count = checked(count * dim);
        }

        return count;
    }
}
