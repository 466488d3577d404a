using OrleansInference.ModelTrainer.Training;

namespace OrleansInference.ModelTrainer.Data;

/// <summary>A deterministic stratified train/test split.</summary>
/// <param name="TrainIndices">Row indices of the training split, ascending.</param>
/// <param name="TestIndices">Row indices of the test split, ascending.</param>
public sealed record StratifiedSplit(int[] TrainIndices, int[] TestIndices)
{
    /// <summary>
    /// Splits each class separately: its rows are shuffled with <paramref name="seed"/> and
    /// round(<paramref name="testFraction"/> × class size) of them go to the test split.
    /// </summary>
    public static StratifiedSplit Create(IReadOnlyList<int> labels, int classCount, double testFraction, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(testFraction);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(testFraction, 1.0);
        var random = new DeterministicRandom(seed);
        var train = new List<int>();
        var test = new List<int>();
        for (var c = 0; c < classCount; c++)
        {
            var rows = Enumerable.Range(0, labels.Count).Where(i => labels[i] == c).ToArray();
            random.Shuffle(rows);
            var testCount = (int)Math.Round(rows.Length * testFraction, MidpointRounding.AwayFromZero);
            test.AddRange(rows.Take(testCount));
            train.AddRange(rows.Skip(testCount));
        }

        train.Sort();
        test.Sort();
        return new StratifiedSplit([.. train], [.. test]);
    }
}
