using System.Buffers;
using System.Runtime.InteropServices;

namespace OrleansInference.Grains.Execution;

/// <summary>
/// Zeroed native memory aligned to <see cref="AlignedTensorBuffer.Alignment"/> bytes that a caller keeps across runs
/// (a generation step's key/value cache). An execution instance binds a tensor whose data lies in this memory in place,
/// at its address, instead of copying it into its own aligned buffer first: the address is stable and aligned, so the
/// copy would buy nothing and would cost one pass over the whole cache on every step.
/// </summary>
/// <remarks>The owner frees it by disposing; no run may use it after that.</remarks>
internal sealed unsafe class NativeTensorMemory : MemoryManager<byte>
{
    private readonly int _length;
    private void* _memory;

    public NativeTensorMemory(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _length = length;
        var capacity = (nuint)Math.Max(AlignedTensorBuffer.Alignment, length);
        _memory = NativeMemory.AlignedAlloc(capacity, AlignedTensorBuffer.Alignment);
        NativeMemory.Clear(_memory, capacity);
    }

    /// <summary>The address of byte <paramref name="offset"/>.</summary>
    public nint AddressOf(int offset)
    {
        ObjectDisposedException.ThrowIf(_memory is null, this);
        return (nint)((byte*)_memory + offset);
    }

    public override Span<byte> GetSpan()
    {
        ObjectDisposedException.ThrowIf(_memory is null, this);
        return new Span<byte>(_memory, _length);
    }

    public override MemoryHandle Pin(int elementIndex = 0) => new((byte*)_memory + elementIndex);

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
        if (_memory is not null)
        {
            NativeMemory.AlignedFree(_memory);
            _memory = null;
        }
    }
}
