using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace OrleansInference.Grains.Execution;

/// <summary>
/// Native memory aligned to 64 bytes holding one input or output of an execution instance, with the tensor values
/// laid over it for the last few shapes seen (created once per shape, reused while the shape recurs). Every run sees
/// the same alignment, so kernels that pick code paths by address give the same bits for the same request.
/// One owner, one run at a time.
/// </summary>
internal sealed unsafe class AlignedTensorBuffer : IDisposable
{
    /// <summary>The alignment of the memory: a cache line, and what every SIMD width ONNX Runtime uses needs.</summary>
    public const int Alignment = 64;

    private const int CachedShapes = 8;

    private readonly TensorElementType _type;
    private readonly long[]?[] _shapes = new long[CachedShapes][];
    private readonly OrtValue?[] _values = new OrtValue[CachedShapes];
    private void* _memory;
    private nuint _capacity;
    private int _next;

    public AlignedTensorBuffer(TensorElementType type) => _type = type;

    /// <summary>The element type of every value laid over the memory.</summary>
    public TensorElementType ElementType => _type;

    /// <summary>
    /// The value of <paramref name="shape"/> over this memory, grown to at least <paramref name="byteLength"/> bytes
    /// first. Growing releases every value created before; a shape not among the last few is created (the oldest dropped).
    /// </summary>
    public OrtValue ValueFor(ReadOnlySpan<long> shape, int byteLength)
    {
        if ((nuint)byteLength > _capacity || _memory is null)
        {
            Grow(byteLength);
        }

        for (var i = 0; i < CachedShapes; i++)
        {
            if (_shapes[i] is { } known && known.AsSpan().SequenceEqual(shape) && _values[i] is { } cached)
            {
                return cached;
            }
        }

        var slot = _next;
        _next = (_next + 1) % CachedShapes;
        _values[slot]?.Dispose();
        _values[slot] = null;
        var copy = shape.ToArray();
        _values[slot] = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, _type, copy, (nint)_memory, byteLength);
        _shapes[slot] = copy;
        return _values[slot]!;
    }

    /// <summary>The first <paramref name="length"/> bytes of the memory (after <see cref="ValueFor"/> sized it).</summary>
    public Span<byte> Bytes(int length) => new(_memory, length);

    public void Dispose()
    {
        ReleaseValues();
        if (_memory is not null)
        {
            NativeMemory.AlignedFree(_memory);
            _memory = null;
            _capacity = 0;
        }
    }

    private void Grow(int byteLength)
    {
        ReleaseValues();
        if (_memory is not null)
        {
            NativeMemory.AlignedFree(_memory);
            _memory = null;
        }

        // Round up to whole cache lines, at least one (an empty tensor still needs a valid address).
        var capacity = (nuint)Math.Max(Alignment, (byteLength + Alignment - 1) / Alignment * Alignment);
        _memory = NativeMemory.AlignedAlloc(capacity, Alignment);
        _capacity = capacity;
    }

    private void ReleaseValues()
    {
        for (var i = 0; i < CachedShapes; i++)
        {
            _values[i]?.Dispose();
            _values[i] = null;
            _shapes[i] = null;
        }

        _next = 0;
    }
}
