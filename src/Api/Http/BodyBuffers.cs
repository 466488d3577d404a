using System.Buffers;

namespace OrleansInference.Api.Http;

/// <summary>
/// Buffers for request bodies. Small ones come from the shared pool and go back to it; large ones are plain
/// allocations the collector reclaims, so a burst of large bodies does not leave the pool holding large arrays per
/// core after it ends (the shared pool keeps arrays up to 1 GiB).
/// </summary>
internal static class BodyBuffers
{
    /// <summary>The largest buffer taken from and returned to the shared pool, in bytes.</summary>
    public const int MaxPooledBytes = 1024 * 1024;

    /// <summary>A buffer of at least <paramref name="minimumLength"/> bytes.</summary>
    public static byte[] Rent(int minimumLength) =>
        minimumLength <= MaxPooledBytes ? ArrayPool<byte>.Shared.Rent(minimumLength) : GC.AllocateUninitializedArray<byte>(minimumLength);

    /// <summary>Gives back a buffer from <see cref="Rent"/>.</summary>
    public static void Return(byte[] buffer)
    {
        if (buffer.Length <= MaxPooledBytes)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
