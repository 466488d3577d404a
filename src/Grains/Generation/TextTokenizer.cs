using System.Collections.Frozen;
using System.Text.Json;
using System.Text.RegularExpressions;
using OrleansInference.Grid.Repository;

namespace OrleansInference.Grains.Generation;

/// <summary>
/// A text model's tokenizer, read from its version's <c>tokenizer.json</c>: <c>{"kind":"char","vocab":[...]}</c>,
/// one Unicode scalar per token (a character outside the vocabulary is refused), or
/// <c>{"kind":"word","lowercase":true,"vocab":[...]}</c>, one run of letters per token (words outside the vocabulary
/// are skipped). The index of a vocabulary entry is its token id. Immutable; shared across threads.
/// </summary>
public sealed partial class TextTokenizer
{
    private readonly string[] _vocab;
    private readonly FrozenDictionary<string, int> _ids;
    private readonly bool _words;

    private TextTokenizer(string[] vocab, bool words)
    {
        _vocab = vocab;
        _words = words;
        _ids = vocab.Select((text, id) => KeyValuePair.Create(text, id)).ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Tokens in the vocabulary.</summary>
    public int VocabularySize => _vocab.Length;

    /// <summary>True for a character tokenizer, the kind generation needs (every text decodes exactly).</summary>
    public bool IsCharacterLevel => !_words;

    /// <summary>Reads <paramref name="fileName"/> from <paramref name="directory"/>.</summary>
    /// <exception cref="ModelRepositoryException">The file is missing or not a vocabulary of a known kind.</exception>
    public static TextTokenizer Load(string directory, string fileName)
    {
        var path = Path.Combine(directory, fileName);
        if (!File.Exists(path))
        {
            throw new ModelRepositoryException($"Tokenizer '{fileName}' is missing from {directory}.");
        }

        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = document.RootElement;
        var kind = root.TryGetProperty("kind", out var k) ? k.GetString() : null;
        if (kind is not ("char" or "word") || !root.TryGetProperty("vocab", out var vocab) || vocab.ValueKind != JsonValueKind.Array || vocab.GetArrayLength() == 0)
        {
            throw new ModelRepositoryException($"Tokenizer '{fileName}' needs kind 'char' or 'word' and a non-empty 'vocab' array.");
        }

        var entries = vocab.EnumerateArray().Select(e => e.GetString() ?? string.Empty).ToArray();
        if (entries.Any(e => e.Length == 0) || entries.Distinct(StringComparer.Ordinal).Count() != entries.Length)
        {
            throw new ModelRepositoryException($"Tokenizer '{fileName}' has empty or repeated vocabulary entries.");
        }

        return new TextTokenizer(entries, kind == "word");
    }

    /// <summary>
    /// Token ids of <paramref name="text"/>; false with the first character outside a character vocabulary in
    /// <paramref name="unknown"/>. A word tokenizer skips unknown words and never fails.
    /// </summary>
    public bool TryEncode(string text, List<int> ids, out string? unknown)
    {
        unknown = null;
        if (_words)
        {
            foreach (var match in Letters().EnumerateMatches(text))
            {
                if (_ids.TryGetValue(text.Substring(match.Index, match.Length).ToLowerInvariant(), out var id))
                {
                    ids.Add(id);
                }
            }

            return true;
        }

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

        return true;
    }

    /// <summary>The text of one token.</summary>
    public string Decode(int id) => _vocab[id];

    /// <summary>A short description of what the vocabulary holds, for error messages.</summary>
    public string Describe() => _words
        ? $"{_vocab.Length} words of the training text"
        : $"{_vocab.Length} characters (the letters and punctuation of the training text)";

    [GeneratedRegex("[A-Za-z]+")]
    private static partial Regex Letters();
}
