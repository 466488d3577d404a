using System.Buffers;

namespace OrleansInference.Contracts.Inference;

/// <summary>Owns a byte array rented from the shared pool; returns it once, on the first dispose.</summary>
public sealed class PooledBytes : IDisposable
{
    private byte[]? _array;

    private PooledBytes(byte[] array) => _array = array;

    /// <summary>Rents at least <paramref name="length"/> bytes.</summary>
    public static PooledBytes Rent(int length, out byte[] array)
    {
        array = ArrayPool<byte>.Shared.Rent(length);
        return new PooledBytes(array);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _array, null) is { } array)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
