namespace OrleansInference.ModelTrainer.Catalog;

/// <summary>How raw features are scaled before the model sees them (the config's <c>standardize</c> block).</summary>
public enum ScalingKind
{
    /// <summary>Mean and population standard deviation fitted on the training split.</summary>
    FitOnTrainingSplit,

    /// <summary>Every feature divided by a fixed constant (mean 0); see <see cref="ModelSpec.FixedDivisor"/>.</summary>
    FixedDivisor,
}
