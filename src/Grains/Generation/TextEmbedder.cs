using System.Runtime.InteropServices;
using OrleansInference.Contracts.Inference;
using OrleansInference.Grid.Repository;

namespace OrleansInference.Grains.Generation;

/// <summary>
/// Turns texts into an embedding model's inputs and its output into embeddings: each text becomes one row of
/// <c>input_ids</c> and <c>attention_mask</c> padded to <see cref="EmbeddingConfig.MaxTokens"/>, so rows from
/// different requests share one batch. Immutable; shared across threads.
/// </summary>
public sealed class TextEmbedder
{
    private readonly TextTokenizer _tokenizer;
    private readonly string _key;

    public TextEmbedder(EmbeddingConfig config, TextTokenizer tokenizer, string key)
    {
        _tokenizer = tokenizer;
        _key = key;
        MaxTokens = config.MaxTokens;
        Dimensions = config.Dimensions;
    }

    /// <summary>Most tokens one input may have.</summary>
    public int MaxTokens { get; }

    /// <summary>Width of one embedding.</summary>
    public int Dimensions { get; }

    /// <summary>
    /// The model inputs for <paramref name="texts"/> (<c>input_ids</c>, <c>attention_mask</c> [texts, MaxTokens]);
    /// null with the problem, naming the input, when a text is empty, too long or has unknown characters.
    /// </summary>
    public NamedTensor[]? Encode(IReadOnlyList<string> texts, out int tokens, out string? error)
    {
        tokens = 0;
        var ids = new long[texts.Count * MaxTokens];
        var mask = new long[texts.Count * MaxTokens];
        var row = new List<int>(MaxTokens);
        for (var i = 0; i < texts.Count; i++)
        {
            row.Clear();
            var text = texts[i];
            if (string.IsNullOrEmpty(text))
            {
                error = $"inputs[{i}] is empty; every input needs at least one character.";
                return null;
            }

            if (!_tokenizer.TryEncode(text, row, out var unknown))
            {
                error = $"inputs[{i}] holds '{unknown}' (U+{char.ConvertToUtf32(unknown!, 0):X4}), which model '{_key}' does not know; its vocabulary is {_tokenizer.Describe()}.";
                return null;
            }

            if (row.Count == 0)
            {
                error = $"inputs[{i}] has no word model '{_key}' knows; its vocabulary is {_tokenizer.Describe()}.";
                return null;
            }

            if (row.Count > MaxTokens)
            {
                error = $"inputs[{i}] has {row.Count} tokens; model '{_key}' takes at most {MaxTokens}.";
                return null;
            }

            for (var j = 0; j < row.Count; j++)
            {
                ids[i * MaxTokens + j] = row[j];
                mask[i * MaxTokens + j] = 1;
            }

            tokens += row.Count;
        }

        error = null;
        long[] shape = [texts.Count, MaxTokens];
        return
        [
            new NamedTensor("input_ids", TensorDataType.Int64, shape, MemoryMarshal.AsBytes(ids.AsSpan()).ToArray()),
            new NamedTensor("attention_mask", TensorDataType.Int64, (long[])shape.Clone(), MemoryMarshal.AsBytes(mask.AsSpan()).ToArray()),
        ];
    }

    /// <summary>One embedding per row of the model's output, scaled to unit length when <paramref name="normalize"/>.</summary>
    public float[][] Decode(NamedTensor output, int rows, bool normalize)
    {
        var values = output.AsSpan<float>();
        var result = new float[rows][];
        for (var i = 0; i < rows; i++)
        {
            var embedding = values.Slice(i * Dimensions, Dimensions).ToArray();
            if (normalize)
            {
                var sum = 0.0;
                foreach (var v in embedding)
                {
                    sum += v * v;
                }

                if (sum > 0)
                {
                    var scale = (float)(1 / Math.Sqrt(sum));
                    for (var d = 0; d < embedding.Length; d++)
                    {
                        embedding[d] *= scale;
                    }
                }
            }

            result[i] = embedding;
        }

        return result;
    }
}
