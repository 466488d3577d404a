using System.Collections.Frozen;
using System.Text.Json;
using OrleansInference.Grains.Repository;

namespace OrleansInference.Grains.Generation;

/// <summary>
/// A character tokenizer read from a version's <c>tokenizer.json</c> (<c>{"kind":"char","vocab":["\n"," ",...]}</c>):
/// each vocabulary entry is one Unicode scalar, its index the token id. Immutable; shared across threads.
/// </summary>
public sealed class CharTokenizer
{
    private readonly string[] _vocab;
    private readonly FrozenDictionary<string, int> _ids;

    private CharTokenizer(string[] vocab)
    {
        _vocab = vocab;
        _ids = vocab.Select((text, id) => KeyValuePair.Create(text, id)).ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Tokens in the vocabulary.</summary>
    public int VocabularySize => _vocab.Length;

    /// <summary>Reads <paramref name="fileName"/> from <paramref name="directory"/>.</summary>
    /// <exception cref="ModelRepositoryException">The file is missing or not a character vocabulary.</exception>
    public static CharTokenizer Load(string directory, string fileName)
    {
        var path = Path.Combine(directory, fileName);
        if (!File.Exists(path))
        {
            throw new ModelRepositoryException($"Tokenizer '{fileName}' is missing from {directory}.");
        }

        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = document.RootElement;
        if (!root.TryGetProperty("kind", out var kind) || kind.GetString() != "char"
            || !root.TryGetProperty("vocab", out var vocab) || vocab.ValueKind != JsonValueKind.Array || vocab.GetArrayLength() == 0)
        {
            throw new ModelRepositoryException($"Tokenizer '{fileName}' needs kind 'char' and a non-empty 'vocab' array.");
        }

        var entries = vocab.EnumerateArray().Select(e => e.GetString() ?? string.Empty).ToArray();
        if (entries.Any(e => e.Length == 0) || entries.Distinct(StringComparer.Ordinal).Count() != entries.Length)
        {
            throw new ModelRepositoryException($"Tokenizer '{fileName}' has empty or repeated vocabulary entries.");
        }

        return new CharTokenizer(entries);
    }

    /// <summary>
    /// Token ids of <paramref name="text"/>; false with the first character outside the vocabulary in
    /// <paramref name="unknown"/>.
    /// </summary>
    public bool TryEncode(string text, List<int> ids, out string? unknown)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            var element = rune.ToString();
            if (!_ids.TryGetValue(element, out var id))
            {
                unknown = element;
                return false;
            }

            ids.Add(id);
        }

        unknown = null;
        return true;
    }

    /// <summary>The text of one token.</summary>
    public string Decode(int id) => _vocab[id];

    /// <summary>A short description of what the vocabulary holds, for error messages.</summary>
    public string Describe() => $"{_vocab.Length} characters (letters, digits and common punctuation of the training text)";
}
