using OrleansInference.Contracts.Models;

namespace OrleansInference.Grains.Monitoring;

/// <summary>
/// Counts live feature values and predicted classes into the reference profile's bins (lock-free; safe from every
/// request thread) and reports per feature the population stability index, Σ (live − ref) · ln(live / ref), and the
/// two-sample Kolmogorov–Smirnov statistic over the bins.
/// </summary>
public sealed class DriftMonitor
{
    /// <summary>Rows needed before drift is judged.</summary>
    public const long MinimumRows = 100;

    private const double Floor = 1e-4;

    private readonly ReferenceProfile _profile;
    private readonly int[] _columns;
    private readonly int _columnCount;
    private long[][] _counts;
    private long[] _classCounts;
    private long _rows;

    /// <summary>Monitors rows of <paramref name="featureNames"/> (the model's columns) against <paramref name="profile"/>.</summary>
    public DriftMonitor(ReferenceProfile profile, IReadOnlyList<string> featureNames)
    {
        _profile = profile;
        _columnCount = featureNames.Count;
        var names = featureNames.ToList();
        _columns = profile.Features.Select(f => names.IndexOf(f.Name)).ToArray();
        (_counts, _classCounts) = NewCounts();
    }

    /// <summary>
    /// Rows from which a request's counts are first tallied locally and then added once per bin; below it (a real-time
    /// request) incrementing the few shared bins directly is cheaper than clearing and scanning a local histogram.
    /// </summary>
    private const int LocalTallyRows = 8;

    /// <summary>Counts <paramref name="rowCount"/> raw rows laid out contiguously.</summary>
    /// <remarks>
    /// Shared bins are updated atomically, and batch-job workers on different cores would fight over the same cache
    /// lines with one atomic increment per feature per row; a multi-row request tallies into a local histogram first
    /// and publishes it with one atomic add per non-empty bin.
    /// </remarks>
    public void ObserveRows(ReadOnlySpan<float> rows, int rowCount)
    {
        var counts = Volatile.Read(ref _counts);
        if (rowCount < LocalTallyRows)
        {
            for (var r = 0; r < rowCount; r++)
            {
                var row = rows.Slice(r * _columnCount, _columnCount);
                for (var f = 0; f < _columns.Length; f++)
                {
                    if (_columns[f] >= 0)
                    {
                        Interlocked.Increment(ref counts[f][_profile.Features[f].BinOf(row[_columns[f]])]);
                    }
                }
            }
        }
        else
        {
            TallyRows(rows, rowCount, counts);
        }

        Interlocked.Add(ref _rows, rowCount);
    }

    /// <summary>Counts predicted classes (one per row of a request).</summary>
    public void ObservePredictions(IReadOnlyList<RowPrediction> predictions)
    {
        var classes = Volatile.Read(ref _classCounts);
        if (predictions.Count < LocalTallyRows)
        {
            for (var i = 0; i < predictions.Count; i++)
            {
                ObservePrediction(classes, (int)predictions[i].Prediction);
            }

            return;
        }

        Span<long> local = classes.Length <= 64 ? stackalloc long[classes.Length] : new long[classes.Length];
        for (var i = 0; i < predictions.Count; i++)
        {
            var predicted = (int)predictions[i].Prediction;
            if ((uint)predicted < (uint)local.Length)
            {
                local[predicted]++;
            }
        }

        Publish(local, classes);
    }

    /// <summary>Counts one predicted class.</summary>
    public void ObservePrediction(int predictedClass) => ObservePrediction(Volatile.Read(ref _classCounts), predictedClass);

    private static void ObservePrediction(long[] classes, int predictedClass)
    {
        if ((uint)predictedClass < (uint)classes.Length)
        {
            Interlocked.Increment(ref classes[predictedClass]);
        }
    }

    /// <summary>Bins every row into a local histogram (row by row, one pass over memory), then publishes it.</summary>
    private void TallyRows(ReadOnlySpan<float> rows, int rowCount, long[][] shared)
    {
        var total = 0;
        foreach (var bins in shared)
        {
            total += bins.Length;
        }

        Span<long> local = total <= 512 ? stackalloc long[total] : new long[total];
        local.Clear();
        for (var r = 0; r < rowCount; r++)
        {
            var row = rows.Slice(r * _columnCount, _columnCount);
            var offset = 0;
            for (var f = 0; f < _columns.Length; f++)
            {
                if (_columns[f] >= 0)
                {
                    local[offset + _profile.Features[f].BinOf(row[_columns[f]])]++;
                }

                offset += shared[f].Length;
            }
        }

        var start = 0;
        foreach (var bins in shared)
        {
            Publish(local.Slice(start, bins.Length), bins);
            start += bins.Length;
        }
    }

    private static void Publish(ReadOnlySpan<long> local, long[] shared)
    {
        for (var bin = 0; bin < local.Length; bin++)
        {
            if (local[bin] != 0)
            {
                Interlocked.Add(ref shared[bin], local[bin]);
            }
        }
    }

    /// <summary>Starts a new observation window.</summary>
    public void Reset()
    {
        var (counts, classes) = NewCounts();
        Volatile.Write(ref _counts, counts);
        Volatile.Write(ref _classCounts, classes);
        Interlocked.Exchange(ref _rows, 0);
    }

    /// <summary>The drift of everything observed since load or the last reset.</summary>
    public DriftReport Report(string model, string version)
    {
        var counts = Volatile.Read(ref _counts);
        var rows = Interlocked.Read(ref _rows);
        var features = new List<FeatureDrift>();
        for (var f = 0; f < _columns.Length; f++)
        {
            if (_columns[f] < 0)
            {
                continue;
            }

            var reference = _profile.Features[f].Fractions;
            var live = Fractions(counts[f]);
            var psi = Psi(live, reference);
            features.Add(new FeatureDrift(_profile.Features[f].Name, Math.Round(psi, 6), StatusOf(psi), live, reference, Math.Round(Ks(live, reference), 6)));
        }

        features.Sort(static (a, b) => b.Psi.CompareTo(a.Psi));
        var classes = Volatile.Read(ref _classCounts);
        double? predictionPsi = _profile.ClassFractions.Length > 0 && classes.Sum() > 0
            ? Math.Round(Psi(Fractions(classes), _profile.ClassFractions), 6)
            : null;
        var status = rows < MinimumRows ? "insufficient_data" : features.Count == 0 ? "stable" : features[0].Status;
        return new DriftReport(model, version, status, rows, MinimumRows, predictionPsi, features);
    }

    /// <summary>Population stability index; empty bins are floored so the logarithm stays finite.</summary>
    public static double Psi(IReadOnlyList<double> live, IReadOnlyList<double> reference)
    {
        double psi = 0;
        for (var i = 0; i < reference.Count; i++)
        {
            var a = Math.Max(live[i], Floor);
            var e = Math.Max(reference[i], Floor);
            psi += (a - e) * Math.Log(a / e);
        }

        return psi;
    }

    /// <summary>
    /// Two-sample Kolmogorov–Smirnov statistic of binned samples: the largest absolute difference of the cumulative
    /// shares at any bin. Exact for the bins (the empirical distributions only step at bin boundaries).
    /// </summary>
    public static double Ks(IReadOnlyList<double> live, IReadOnlyList<double> reference)
    {
        double liveSum = 0, referenceSum = 0, largest = 0;
        for (var i = 0; i < reference.Count; i++)
        {
            liveSum += live[i];
            referenceSum += reference[i];
            largest = Math.Max(largest, Math.Abs(liveSum - referenceSum));
        }

        return largest;
    }

    private static string StatusOf(double psi) => psi < 0.1 ? "stable" : psi < 0.25 ? "moderate" : "drift";

    private static double[] Fractions(long[] counts)
    {
        var total = counts.Sum();
        return counts.Select(c => total == 0 ? 0 : Math.Round((double)c / total, 6)).ToArray();
    }

    private (long[][] Counts, long[] Classes) NewCounts() =>
        (_profile.Features.Select(f => new long[f.Fractions.Length]).ToArray(), new long[_profile.ClassFractions.Length]);
}
