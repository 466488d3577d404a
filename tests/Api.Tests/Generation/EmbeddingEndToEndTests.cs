using System.Net;
using System.Text.Json;
using static OrleansInference.Api.Tests.Generation.GenerationHttp;

namespace OrleansInference.Api.Tests.Generation;

/// <summary><c>POST /api/v1/embed</c> and OpenAI's <c>/v1/embeddings</c> on the demo embedding model (<c>kjv-embed</c>).</summary>
public sealed class EmbeddingEndToEndTests(GenerationServerFixture fixture) : IClassFixture<GenerationServerFixture>
{
    // Five topics, three sentences each (none of them verbatim from the training text).
    private static readonly (string Topic, string Text)[] Sentences =
    [
        ("shepherd", "The LORD is my shepherd; I shall not want."),
        ("shepherd", "He shall feed his flock like a shepherd."),
        ("shepherd", "We are the sheep of his pasture."),
        ("sea", "The waters of the sea roared."),
        ("sea", "He divided the sea, and the waters stood."),
        ("sea", "The waves of the sea are mighty."),
        ("king", "And David reigned over all Israel."),
        ("king", "The king of Israel sat upon his throne."),
        ("king", "Solomon was king over all Israel."),
        ("bread", "Give us this day our daily bread."),
        ("bread", "They did eat bread and drink wine."),
        ("bread", "Man shall not live by bread alone."),
        ("fire", "The fire consumed the burnt offering."),
        ("fire", "And fire came down from heaven."),
        ("fire", "The bush burned with fire."),
    ];

    private readonly HttpClient _client = fixture.Client;

    [Fact]
    public async Task NearestNeighbours_ShareTheTopic()
    {
        using var response = await _client.PostAsync("api/v1/embed", Json(new { model = EmbedModel, inputs = Sentences.Select(s => s.Text).ToArray() }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(128, body.GetProperty("dimensions").GetInt32());
        var embeddings = body.GetProperty("embeddings").EnumerateArray().Select(e => e.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray();
        Assert.Equal(Sentences.Length, embeddings.Length);
        Assert.All(embeddings, e => Assert.InRange(Math.Sqrt(e.Sum(v => (double)v * v)), 0.999, 1.001));

        var sameTopic = 0;
        for (var i = 0; i < embeddings.Length; i++)
        {
            var nearest = Enumerable.Range(0, embeddings.Length).Where(j => j != i).MaxBy(j => Dot(embeddings[i], embeddings[j]));
            sameTopic += Sentences[nearest].Topic == Sentences[i].Topic ? 1 : 0;
        }

        // At least 12 of 15 nearest neighbours share the topic (chance: 2 of 14 candidates per sentence).
        Assert.True(sameTopic >= 12, $"{sameTopic} of {embeddings.Length} nearest neighbours share their sentence's topic.");

        // And every topic is on average closer to itself than to the others.
        foreach (var topic in Sentences.Select(s => s.Topic).Distinct())
        {
            var members = Enumerable.Range(0, Sentences.Length).Where(i => Sentences[i].Topic == topic).ToArray();
            var others = Enumerable.Range(0, Sentences.Length).Except(members).ToArray();
            var within = members.SelectMany(a => members.Where(b => b != a), (a, b) => Dot(embeddings[a], embeddings[b])).Average();
            var across = members.SelectMany(_ => others, (a, b) => Dot(embeddings[a], embeddings[b])).Average();
            Assert.True(within > across, $"Topic '{topic}': mean similarity within {within:F3}, across {across:F3}.");
        }
    }

    [Fact]
    public async Task ConcurrentRequests_ShareBatches_AndEachGetsItsOwnEmbeddings()
    {
        using var single = await _client.PostAsync("api/v1/embed", Json(new { model = EmbedModel, inputs = new[] { "The bush burned with fire." } }));
        var expected = JsonDocument.Parse(await single.Content.ReadAsStringAsync()).RootElement.GetProperty("embeddings")[0].EnumerateArray().Select(v => v.GetSingle()).ToArray();

        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(async i =>
        {
            using var response = await _client.PostAsync("api/v1/embed", Json(new { model = EmbedModel, inputs = new[] { "The bush burned with fire.", $"And the sea {i}" } }));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("embeddings")[0].EnumerateArray().Select(v => v.GetSingle()).ToArray();
        }));

        Assert.All(responses, r => Assert.Equal(1.0, Dot(r, expected), 4));
    }

    [Fact]
    public async Task OpenAiEmbeddings_FloatAndBase64_CarryTheSameVectors()
    {
        using var floats = await _client.PostAsync("v1/embeddings", Json(new { model = EmbedModel, input = new[] { "In the beginning", "Jesus wept" } }));
        using var base64 = await _client.PostAsync("v1/embeddings", Json(new { model = EmbedModel, input = "In the beginning", encoding_format = "base64" }));
        Assert.Equal(HttpStatusCode.OK, floats.StatusCode);
        Assert.Equal(HttpStatusCode.OK, base64.StatusCode);
        var list = JsonDocument.Parse(await floats.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("list", list.GetProperty("object").GetString());
        Assert.Equal(2, list.GetProperty("data").GetArrayLength());
        Assert.Equal("embedding", list.GetProperty("data")[1].GetProperty("object").GetString());
        Assert.Equal(1, list.GetProperty("data")[1].GetProperty("index").GetInt32());
        var first = list.GetProperty("data")[0].GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        var encoded = JsonDocument.Parse(await base64.Content.ReadAsStringAsync()).RootElement.GetProperty("data")[0].GetProperty("embedding").GetBytesFromBase64();
        var decoded = new float[encoded.Length / sizeof(float)];
        Buffer.BlockCopy(encoded, 0, decoded, 0, encoded.Length);

        Assert.Equal(first, decoded);
        Assert.True(list.GetProperty("usage").GetProperty("prompt_tokens").GetInt32() > 0);
    }

    [Theory]
    [InlineData("api/v1/embed", """{"model": "kjv-embed"}""", "'inputs'")]
    [InlineData("api/v1/embed", """{"model": "kjv-embed", "inputs": []}""", "'inputs'")]
    [InlineData("api/v1/embed", """{"model": "kjv-embed", "inputs": ["And", 3]}""", "'inputs'")]
    [InlineData("api/v1/embed", """{"model": "kjv-embed", "inputs": ["And", ""]}""", "inputs[1] is empty")]
    [InlineData("api/v1/embed", """{"model": "kjv-embed", "inputs": ["zzzq xqv"]}""", "inputs[0] has no word")]
    [InlineData("api/v1/embed", """{"model": "kjv-gpt", "inputs": ["And"]}""", "does not embed text")]
    [InlineData("v1/embeddings", """{"model": "kjv-embed", "input": [[1, 2]]}""", "'input'")]
    [InlineData("v1/embeddings", """{"model": "kjv-embed", "input": "And", "encoding_format": "int8"}""", "'encoding_format'")]
    public async Task InvalidRequest_Is400_NamingTheField(string path, string body, string expected)
    {
        using var response = await _client.PostAsync(path, Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static double Dot(float[] a, float[] b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }
}
