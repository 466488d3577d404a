using System.Text;

namespace OrleansInference.Grains.Models;

/// <summary>
/// A hash that is the same on every node, process and restart (unlike <see cref="string.GetHashCode()"/>):
/// 64-bit FNV-1a over the UTF-8 bytes. Used for sticky user-to-version assignment.
/// </summary>
public static class StableHash
{
    private const ulong OffsetBasis = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    /// <summary>Hashes <paramref name="scope"/> and <paramref name="key"/> joined by ':'.</summary>
    public static ulong Hash(string scope, string key)
    {
        var hash = OffsetBasis;
        hash = Mix(hash, scope);
        hash = (hash ^ (byte)':') * Prime;
        return Mix(hash, key);
    }

    /// <summary>A bucket in [0, <paramref name="buckets"/>) for <paramref name="key"/> within <paramref name="scope"/>.</summary>
    public static int Bucket(string scope, string key, int buckets) => (int)(Finalize(Hash(scope, key)) % (ulong)buckets);

    private static ulong Mix(ulong hash, string text)
    {
        Span<byte> buffer = stackalloc byte[256];
        var bytes = Encoding.UTF8.GetByteCount(text) <= buffer.Length ? buffer[..Encoding.UTF8.GetBytes(text, buffer)] : Encoding.UTF8.GetBytes(text);
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * Prime;
        }

        return hash;
    }

    // FNV's low bits are weak for short keys; a final avalanche (from MurmurHash3's fmix64) spreads them.
    private static ulong Finalize(ulong h)
    {
        h ^= h >> 33;
        h *= 0xff51afd7ed558ccdUL;
        h ^= h >> 33;
        h *= 0xc4ceb9fe1a85ec53UL;
        h ^= h >> 33;
        return h;
    }
}
