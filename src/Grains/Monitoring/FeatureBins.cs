namespace OrleansInference.Grains.Monitoring;

/// <summary>One feature's reference bins: a value v falls in the first bin whose edge is at least v, or the last.</summary>
public sealed record FeatureBins(string Name, double[] Edges, double[] Fractions)
{
    /// <summary>The bin of <paramref name="value"/>.</summary>
    public int BinOf(double value)
    {
        var bin = 0;
        while (bin < Edges.Length && value > Edges[bin])
        {
            bin++;
        }

        return bin;
    }
}
