using OrleansInference.ModelTrainer.Data;

namespace OrleansInference.ModelTrainer.Tests.Data;

public sealed class CsvDatasetTests
{
    [Fact]
    public void Load_ReadsHeaderClassNamesAndRows()
    {
        var data = CsvDataset.Load(Path.Combine(RepositoryPaths.Data, "breast_cancer.csv"));

        Assert.Equal((569, 30), (data.RowCount, data.FeatureCount));
        Assert.Equal(["malignant", "benign"], data.ClassNames);
        Assert.Equal(17.99, data.Features[0][0]);
        Assert.Equal(0, data.Labels[0]);
    }

    [Fact]
    public void Load_ReadsCompressedFileWithoutHeaderUsingGivenClassNames()
    {
        var names = Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

        var data = CsvDataset.Load(Path.Combine(RepositoryPaths.Data, "digits.csv.gz"), names);

        Assert.Equal((1797, 64), (data.RowCount, data.FeatureCount));
        Assert.All(data.Features, row => Assert.All(row, v => Assert.InRange(v, 0, 16)));
    }

    [Fact]
    public void Load_WithoutHeaderOrClassNames_Fails()
    {
        Assert.Throws<InvalidDataException>(() => CsvDataset.Load(Path.Combine(RepositoryPaths.Data, "digits.csv.gz")));
    }

    [Fact]
    public void StratifiedSplit_KeepsClassProportionsAndCoversEveryRowOnce()
    {
        var data = CsvDataset.Load(Path.Combine(RepositoryPaths.Data, "iris.csv"));

        var split = StratifiedSplit.Create(data.Labels, data.ClassCount, 0.2, seed: 5);

        Assert.Equal(Enumerable.Range(0, 150), split.TrainIndices.Concat(split.TestIndices).Order());
        Assert.All(
            Enumerable.Range(0, 3),
            c => Assert.Equal(10, split.TestIndices.Count(i => data.Labels[i] == c)));
        Assert.Equal(split, StratifiedSplit.Create(data.Labels, data.ClassCount, 0.2, seed: 5), new SplitComparer());
    }

    private sealed class SplitComparer : IEqualityComparer<StratifiedSplit>
    {
        public bool Equals(StratifiedSplit? x, StratifiedSplit? y) =>
            x is not null && y is not null && x.TrainIndices.SequenceEqual(y.TrainIndices) && x.TestIndices.SequenceEqual(y.TestIndices);

        public int GetHashCode(StratifiedSplit obj) => obj.TestIndices.Length;
    }
}
