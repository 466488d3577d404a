namespace OrleansInference.Grid.Repository;

/// <summary>
/// Marks a version as a text generator (a step graph with per-layer key/value caches) and describes its cache:
/// inputs <c>input_ids</c>, <c>position_ids</c> [B,S], <c>attention_mask</c> [B,P+S], <c>past_key_{l}</c> and
/// <c>past_value_{l}</c> [B,heads,P,head_dim]; outputs <c>logits</c> [B,S,vocab], <c>new_key_{l}</c> and
/// <c>new_value_{l}</c> [B,heads,S,head_dim] (this step's keys and values only).
/// </summary>
public sealed record GenerationConfig
{
    /// <summary>The tokenizer file in the version folder (<c>{"kind":"char","vocab":[...]}</c>).</summary>
    public string Tokenizer { get; set; } = "tokenizer.json";

    /// <summary>Transformer layers, one key and one value cache each.</summary>
    public int Layers { get; set; }

    /// <summary>Attention heads per layer.</summary>
    public int Heads { get; set; }

    /// <summary>Width of one head.</summary>
    public int HeadDim { get; set; }

    /// <summary>Most positions one sequence may hold (prompt and generated tokens together).</summary>
    public int Context { get; set; }

    /// <summary>
    /// The attention window the graph applies (each token attends to itself and the <c>attention_window - 1</c>
    /// before it), or 0 for none. A graph with a window measures distance by index into the keys it is given
    /// (<c>P</c> cached, then the step's own), so the server passes each sequence's last <c>attention_window - 1</c>
    /// keys right-aligned, newest last; without one, the cache holds the whole context, oldest first.
    /// </summary>
    public int AttentionWindow { get; set; }
}
