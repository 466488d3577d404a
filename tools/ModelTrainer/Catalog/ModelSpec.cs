namespace OrleansInference.ModelTrainer.Catalog;

/// <summary>Everything needed to train and publish one demo model version.</summary>
public sealed record ModelSpec
{
    /// <summary>Model name, the repository folder.</summary>
    public required string Name { get; init; }

    /// <summary>Version folder name.</summary>
    public required string Version { get; init; }

    /// <summary>One-sentence description for the config.</summary>
    public required string Description { get; init; }

    /// <summary>Data set file name under the data folder.</summary>
    public required string DatasetFile { get; init; }

    /// <summary>Class names for data files without a header line; otherwise the header's names are used.</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>Feature names in column order.</summary>
    public required IReadOnlyList<string> FeatureNames { get; init; }

    /// <summary>Name of the ONNX graph input.</summary>
    public string InputName { get; init; } = "features";

    /// <summary>Name of the ONNX graph output (class probabilities).</summary>
    public string OutputName { get; init; } = "probabilities";

    /// <summary>The fitting algorithm.</summary>
    public required ModelAlgorithm Algorithm { get; init; }

    /// <summary>How inputs are scaled.</summary>
    public ScalingKind Scaling { get; init; } = ScalingKind.FitOnTrainingSplit;

    /// <summary>The divisor when <see cref="Scaling"/> is <see cref="ScalingKind.FixedDivisor"/>.</summary>
    public double FixedDivisor { get; init; } = 1.0;

    /// <summary>Seed of the stratified 80/20 split.</summary>
    public ulong SplitSeed { get; init; } = 20261124;

    /// <summary>Dynamic-batching settings written to the config.</summary>
    public BatchingSettings Batching { get; init; } = new();

    /// <summary>Lifecycle stage written to the config.</summary>
    public string Stage { get; init; } = "production";

    /// <summary>Where the data set comes from, for the config's metadata.</summary>
    public string DatasetVersion { get; init; } = "scikit-learn 1.2.1 (Debian python3-sklearn)";
}
