namespace OrleansInference.Grains.Experiments.Metrics;

/// <summary>Count, mean and sample variance by Welford's update (numerically stable). Not thread-safe.</summary>
public struct RunningMoments
{
    private double _m2;

    /// <summary>Values recorded.</summary>
    public long Count { get; private set; }

    /// <summary>The mean; 0 when empty.</summary>
    public double Mean { get; private set; }

    /// <summary>The sample variance (n − 1 denominator); 0 below two values.</summary>
    public readonly double Variance => Count < 2 ? 0 : _m2 / (Count - 1);

    /// <summary>Adds one value.</summary>
    public void Add(double value)
    {
        Count++;
        var delta = value - Mean;
        Mean += delta / Count;
        _m2 += delta * (value - Mean);
    }
}
