using OrleansInference.ModelTrainer.Training;

namespace OrleansInference.ModelTrainer.Catalog;

/// <summary>How a demo model is fitted: exactly one of the option sets is given.</summary>
/// <param name="Name">Short algorithm name recorded in metadata, e.g. <c>mlp-30-16-2</c>.</param>
/// <param name="LogisticRegression">Options for binary logistic regression.</param>
/// <param name="Mlp">Options for an MLP classifier.</param>
public sealed record ModelAlgorithm(string Name, LogisticRegressionOptions? LogisticRegression = null, MlpOptions? Mlp = null)
{
    /// <summary>Human-readable summary for the repository README.</summary>
    public string Describe() => LogisticRegression is { } lr
        ? $"L2-regularized logistic regression (λ={lr.L2}), full-batch gradient descent, {lr.Iterations} steps at rate {lr.LearningRate}"
        : Mlp is { } mlp
            ? $"MLP with ReLU hidden layers [{string.Join(", ", mlp.HiddenLayers)}] and softmax output, Adam (rate {mlp.LearningRate}, batch {mlp.BatchSize}, {mlp.Epochs} epochs, L2 {mlp.L2}, seed {mlp.Seed})"
            : Name;
}
