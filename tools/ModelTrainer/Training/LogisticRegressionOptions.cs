namespace OrleansInference.ModelTrainer.Training;

/// <summary>Hyper-parameters of <see cref="LogisticRegressionTrainer"/>.</summary>
public sealed record LogisticRegressionOptions
{
    /// <summary>Full-batch gradient-descent steps. Default 2000.</summary>
    public int Iterations { get; init; } = 2000;

    /// <summary>Step size. Default 0.1.</summary>
    public double LearningRate { get; init; } = 0.1;

    /// <summary>L2 penalty λ on the weights (not the intercept), as λ/2·‖w‖². Default 0.01.</summary>
    public double L2 { get; init; } = 0.01;
}
