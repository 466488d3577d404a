using System.Buffers;

namespace OrleansInference.Api.KServe;

/// <summary>
/// The part of a request body after the JSON header, which the binary tensor data extension fills with the inputs'
/// raw bytes in input order. Reads forward only.
/// </summary>
internal ref struct V2BinaryTail
{
    private readonly ReadOnlySpan<byte> _span;
    private readonly ReadOnlySequence<byte> _sequence;
    private readonly bool _isSequence;
    private long _consumed;

    public V2BinaryTail(ReadOnlySpan<byte> span, bool hasHeader)
    {
        _span = span;
        HasHeader = hasHeader;
        Length = span.Length;
    }

    public V2BinaryTail(ReadOnlySequence<byte> sequence, bool hasHeader)
    {
        _sequence = sequence;
        _isSequence = true;
        HasHeader = hasHeader;
        Length = sequence.Length;
    }

    /// <summary>Whether the request gave <c>Inference-Header-Content-Length</c>.</summary>
    public bool HasHeader { get; }

    /// <summary>Bytes after the JSON header.</summary>
    public long Length { get; }

    public readonly long Consumed => _consumed;

    public readonly long Remaining => Length - _consumed;

    /// <summary>Copies the next <c>destination.Length</c> bytes; the caller has checked <see cref="Remaining"/>.</summary>
    public void CopyTo(Span<byte> destination)
    {
        if (_isSequence)
        {
            _sequence.Slice(_consumed, destination.Length).CopyTo(destination);
        }
        else
        {
            _span.Slice((int)_consumed, destination.Length).CopyTo(destination);
        }

        _consumed += destination.Length;
    }

    /// <summary>
    /// The next <paramref name="length"/> bytes as one span. Bytes spread over several segments are copied into
    /// <paramref name="scratch"/>, rented from the shared pool; the caller returns it.
    /// </summary>
    public ReadOnlySpan<byte> Take(int length, ref byte[]? scratch)
    {
        ReadOnlySpan<byte> result;
        if (!_isSequence)
        {
            result = _span.Slice((int)_consumed, length);
        }
        else
        {
            var slice = _sequence.Slice(_consumed, length);
            if (slice.IsSingleSegment)
            {
                result = slice.FirstSpan;
            }
            else
            {
                scratch = ArrayPool<byte>.Shared.Rent(length);
                slice.CopyTo(scratch);
                result = scratch.AsSpan(0, length);
            }
        }

        _consumed += length;
        return result;
    }
}
