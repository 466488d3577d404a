using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace OrleansInference.Grains.Monitoring;

/// <summary>One feature's reference bins: a value v falls in the first bin whose edge is at least v, or the last.</summary>
/// <remarks>A class, not a record: the padded copy of the edges is derived once, and a <c>with</c> copy would keep it stale.</remarks>
public sealed class FeatureBins(string name, double[] edges, double[] fractions)
{
    /// <summary>
    /// The edges rounded to single precision and padded with +∞ to whole 256-bit vectors, for <see cref="BinOf"/>. Live
    /// values are the model's float32 inputs: compared with the double edges, a value equal to an edge in the data
    /// (0.2, which is 0.200000003 as a float) would fall one bin too high, and a data set would drift from itself.
    /// Rounding keeps the order (it is monotonic), so every value lands in the bin the profile counted it in.
    /// </summary>
    private readonly double[] _padded = Pad(edges);

    /// <summary>The feature's name in the model's columns.</summary>
    public string Name { get; } = name;

    /// <summary>Ascending bin edges.</summary>
    public double[] Edges { get; } = edges;

    /// <summary>The reference fraction of rows in each bin; one more than <see cref="Edges"/>.</summary>
    public double[] Fractions { get; } = fractions;

    /// <summary>The bin of <paramref name="value"/>.</summary>
    /// <remarks>
    /// Edges ascend (the profile loader checks), so the bin is the number of edges below the value: counted four at a
    /// time with a vector compare, branch-free. Drift monitoring bins every feature of every row a batch job scores.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int BinOf(double value)
    {
        if (!Vector256.IsHardwareAccelerated)
        {
            var bin = 0;
            while (bin < Edges.Length && value > _padded[bin])
            {
                bin++;
            }

            return bin;
        }

        var broadcast = Vector256.Create(value);
        var below = 0;
        ref var edges = ref _padded[0];
        for (var i = 0; i < _padded.Length; i += Vector256<double>.Count)
        {
            var above = Vector256.GreaterThan(broadcast, Vector256.LoadUnsafe(ref edges, (nuint)i));
            below += System.Numerics.BitOperations.PopCount(above.ExtractMostSignificantBits());
        }

        return below;
    }

    private static double[] Pad(double[] edges)
    {
        var padded = new double[Math.Max(Vector256<double>.Count, (edges.Length + Vector256<double>.Count - 1) / Vector256<double>.Count * Vector256<double>.Count)];
        Array.Fill(padded, double.PositiveInfinity);
        for (var i = 0; i < edges.Length; i++)
        {
            padded[i] = (float)edges[i];
        }

        return padded;
    }
}
