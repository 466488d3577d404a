using System.Text.Json;
using System.Text.RegularExpressions;
using OrleansInference.Api.Tests.Infrastructure;
using static OrleansInference.Api.Tests.Generation.GenerationHttp;

namespace OrleansInference.Api.Tests.Generation;

/// <summary>
/// What the demo GPT writes reads as its corpus: most words of a sampled continuation are words of the King James
/// Bible (the embedding model's vocabulary, the words seen in at least two verses). A server that feeds the graph its
/// key/value cache in another layout than the graph's attention window expects writes mostly fragments.
/// </summary>
public sealed partial class GenerationTextQualityTests(GenerationServerFixture fixture) : IClassFixture<GenerationServerFixture>
{
    private const double MinimumWordShare = 0.6;

    [Fact]
    public async Task SampledText_IsMostlyWordsOfTheCorpus()
    {
        var vocabulary = LoadVocabulary();
        var words = new List<string>();
        foreach (var (prompt, seed) in new[] { ("In the beginning God created", 1), ("And the LORD spake unto Moses", 2), ("Blessed are they", 3) })
        {
            using var response = await fixture.Client.PostAsync("api/v1/generate", Json(new { model = Model, prompt, max_tokens = 200, temperature = 0.7, seed }));
            response.EnsureSuccessStatusCode();
            using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var text = answer.RootElement.GetProperty("text").GetString()!;

            // Whole words only: the first may continue the prompt's last word and the last may be cut by max_tokens.
            var found = Words().Matches(text).Select(m => m.Value.ToLowerInvariant()).ToList();
            words.AddRange(found.Skip(1).SkipLast(1));
        }

        var known = words.Count(vocabulary.Contains);
        var share = (double)known / words.Count;
        Assert.True(share >= MinimumWordShare, $"{known} of {words.Count} generated words ({share:P0}) are words of the corpus; expected at least {MinimumWordShare:P0}. Unknown: {string.Join(", ", words.Where(w => !vocabulary.Contains(w)).Take(30))}");
    }

    private static HashSet<string> LoadVocabulary()
    {
        using var tokenizer = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Models, EmbedModel, "1", "tokenizer.json")));
        return tokenizer.RootElement.GetProperty("vocab").EnumerateArray().Select(v => v.GetString()!).ToHashSet(StringComparer.Ordinal);
    }

    [GeneratedRegex("[A-Za-z]+")]
    private static partial Regex Words();
}
