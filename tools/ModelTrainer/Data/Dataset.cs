namespace OrleansInference.ModelTrainer.Data;

/// <summary>
/// A labelled tabular data set: one row of raw feature values per example and an integer class label.
/// </summary>
/// <param name="Features">Row-major raw feature values, one array per row.</param>
/// <param name="Labels">Class index of each row, in <c>0..ClassNames.Count-1</c>.</param>
/// <param name="ClassNames">Class names in label order.</param>
public sealed record Dataset(double[][] Features, int[] Labels, IReadOnlyList<string> ClassNames)
{
    /// <summary>Number of rows.</summary>
    public int RowCount => Labels.Length;

    /// <summary>Number of features per row.</summary>
    public int FeatureCount => Features.Length == 0 ? 0 : Features[0].Length;

    /// <summary>Number of classes.</summary>
    public int ClassCount => ClassNames.Count;

    /// <summary>The rows at <paramref name="indices"/>, in that order.</summary>
    public Dataset Subset(IReadOnlyList<int> indices)
    {
        var features = new double[indices.Count][];
        var labels = new int[indices.Count];
        for (var i = 0; i < indices.Count; i++)
        {
            features[i] = Features[indices[i]];
            labels[i] = Labels[indices[i]];
        }

        return new Dataset(features, labels, ClassNames);
    }
}
