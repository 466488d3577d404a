using System.Text;
using Orleans.Runtime;

namespace OrleansInference.Contracts.Models;

/// <summary>
/// Which silos serve a model version: the <c>replicas</c> silos that rank highest for the version by rendezvous
/// hashing of <c>(version key, silo)</c>, or every silo when no count is set. Every node computes the same set from the
/// same membership, and a silo that joins or leaves moves only the versions it ranks highest for.
/// </summary>
public static class ModelReplicas
{
    private const char Separator = '@';
    private const ulong OffsetBasis = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    /// <summary>The key of <paramref name="versionKey"/>'s replica on <paramref name="silo"/>: <c>"{model}/{version}@{silo}"</c>.</summary>
    public static string ReplicaKey(string versionKey, SiloAddress silo) => versionKey + Separator + silo.ToParsableString();

    /// <summary>Splits a replica key into its version key and silo (as written by <see cref="SiloAddress.ToParsableString"/>).</summary>
    public static bool TrySplit(string replicaKey, out string versionKey, out string silo)
    {
        // Model names and versions hold no '@' (letters, digits, '-', '_', '.'); the silo's text does.
        var at = replicaKey.IndexOf(Separator, StringComparison.Ordinal);
        if (at <= 0 || at == replicaKey.Length - 1)
        {
            versionKey = string.Empty;
            silo = string.Empty;
            return false;
        }

        versionKey = replicaKey[..at];
        silo = replicaKey[(at + 1)..];
        return true;
    }

    /// <summary>
    /// The silos that serve <paramref name="versionKey"/>: the <paramref name="replicas"/> highest ranked of
    /// <paramref name="silos"/> (all of them when null or larger than their count), highest first.
    /// </summary>
    public static SiloAddress[] Choose(string versionKey, IReadOnlyCollection<SiloAddress> silos, int? replicas)
    {
        var ranked = silos.Select(s => (Silo: s, Score: Score(versionKey, s.ToParsableString())))
            .OrderByDescending(r => r.Score)
            .ThenBy(r => r.Silo.ToParsableString(), StringComparer.Ordinal)
            .Select(r => r.Silo);
        return [.. replicas is { } count && count < silos.Count ? ranked.Take(Math.Max(1, count)) : ranked];
    }

    /// <summary>A well-mixed 64-bit hash of <paramref name="a"/> and <paramref name="b"/>, the same in every process.</summary>
    public static ulong Score(string a, string b)
    {
        var hash = Mix(OffsetBasis, a);
        hash = (hash ^ Separator) * Prime;
        hash = Mix(hash, b);

        // splitmix64's finalizer: FNV alone ranks keys that share a prefix almost alike.
        hash ^= hash >> 30;
        hash *= 0xBF58476D1CE4E5B9UL;
        hash ^= hash >> 27;
        hash *= 0x94D049BB133111EBUL;
        return hash ^ (hash >> 31);
    }

    private static ulong Mix(ulong hash, string text)
    {
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash = (hash ^ b) * Prime;
        }

        return hash;
    }
}
