namespace OrleansInference.Grid.Repository;

/// <summary>How a model's output becomes a prediction.</summary>
public sealed record PostprocessingConfig
{
    /// <summary><c>classification</c> (probabilities → label) or <c>regression</c> (first value).</summary>
    public string Kind { get; set; } = "classification";

    /// <summary>The output tensor to read; default the first output.</summary>
    public string? Output { get; init; }

    /// <summary>Class labels by index.</summary>
    public IReadOnlyList<string>? Labels { get; init; }

    /// <summary>For two classes: the probability of class 1 at or above which it is predicted. Null = argmax.</summary>
    public float? Threshold { get; init; }

    /// <summary>How many top classes to return. Default 1.</summary>
    public int TopK { get; set; } = 1;
}
