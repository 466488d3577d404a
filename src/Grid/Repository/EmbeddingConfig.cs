namespace OrleansInference.Grid.Repository;

/// <summary>
/// Marks a version as a text embedder: inputs <c>input_ids</c> and <c>attention_mask</c> (int64 [B,S]), one FP32
/// output [B,dimensions]. Every text is padded to <see cref="MaxTokens"/>, so texts of any length share a batch.
/// </summary>
public sealed record EmbeddingConfig
{
    /// <summary>The tokenizer file in the version folder.</summary>
    public string Tokenizer { get; set; } = "tokenizer.json";

    /// <summary>Most tokens one input may have; every input is padded to it.</summary>
    public int MaxTokens { get; set; }

    /// <summary>Width of one embedding.</summary>
    public int Dimensions { get; set; }
}
