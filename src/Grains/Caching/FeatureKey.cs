using System.Runtime.InteropServices;

namespace OrleansInference.Grains.Caching;

/// <summary>A request's feature values as a dictionary key, compared bitwise (so -0 and 0, or two NaNs, are told apart as stored).</summary>
internal readonly record struct FeatureKey(float[] Values);

/// <summary>Compares <see cref="FeatureKey"/>s, and a request's span against them without copying it.</summary>
internal sealed class FeatureKeyComparer : IEqualityComparer<FeatureKey>, IAlternateEqualityComparer<ReadOnlySpan<float>, FeatureKey>
{
    public static readonly FeatureKeyComparer Instance = new();

    public bool Equals(FeatureKey x, FeatureKey y) => Equals(x.Values.AsSpan(), y);

    public int GetHashCode(FeatureKey obj) => GetHashCode(obj.Values.AsSpan());

    public bool Equals(ReadOnlySpan<float> alternate, FeatureKey other) =>
        MemoryMarshal.AsBytes(alternate).SequenceEqual(MemoryMarshal.AsBytes(other.Values.AsSpan()));

    public int GetHashCode(ReadOnlySpan<float> alternate)
    {
        var hash = new HashCode();
        hash.AddBytes(MemoryMarshal.AsBytes(alternate));
        return hash.ToHashCode();
    }

    public FeatureKey Create(ReadOnlySpan<float> alternate) => new(alternate.ToArray());
}
