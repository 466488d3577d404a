using OrleansInference.ModelTrainer.Catalog;
using OrleansInference.ModelTrainer.Data;

namespace OrleansInference.ModelTrainer.Training;

/// <summary>The outcome of training one <see cref="ModelSpec"/>.</summary>
public sealed record TrainedModel
{
    /// <summary>What was trained.</summary>
    public required ModelSpec Spec { get; init; }

    /// <summary>The fitted network (double precision; exported as float32).</summary>
    public required DenseNetwork Network { get; init; }

    /// <summary>Input scaling the server applies before inference.</summary>
    public required Standardizer Scaler { get; init; }

    /// <summary>The full data set.</summary>
    public required Dataset Data { get; init; }

    /// <summary>The stratified split used.</summary>
    public required StratifiedSplit Split { get; init; }

    /// <summary>Raw training-split mean of each feature (the config's defaults).</summary>
    public required double[] TrainingMean { get; init; }

    /// <summary>Metrics on the test split.</summary>
    public required ClassificationMetrics TestMetrics { get; init; }

    /// <summary>Metrics on the training split.</summary>
    public required ClassificationMetrics TrainMetrics { get; init; }

    /// <summary>Lower-case hex SHA-256 of the data set file.</summary>
    public required string DatasetSha256 { get; init; }
}
