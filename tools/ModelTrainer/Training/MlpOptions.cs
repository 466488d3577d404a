namespace OrleansInference.ModelTrainer.Training;

/// <summary>Hyper-parameters of <see cref="MlpTrainer"/>.</summary>
public sealed record MlpOptions
{
    /// <summary>Widths of the hidden ReLU layers, input side first.</summary>
    public required IReadOnlyList<int> HiddenLayers { get; init; }

    /// <summary>Passes over the training data. Default 100.</summary>
    public int Epochs { get; init; } = 100;

    /// <summary>Rows per Adam step. Default 32.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Adam step size. Default 0.001.</summary>
    public double LearningRate { get; init; } = 0.001;

    /// <summary>L2 penalty λ on the weights (not biases), added to the gradient as λ·w. Default 1e-4.</summary>
    public double L2 { get; init; } = 1e-4;

    /// <summary>Seed for initialization and the per-epoch shuffle.</summary>
    public ulong Seed { get; init; } = 42;
}
