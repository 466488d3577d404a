using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OrleansInference.Api.Tests.Infrastructure;

namespace OrleansInference.Api.Tests.EndToEnd;

/// <summary><c>POST /api/v1/predict</c> and every kind of bad input, over a real Kestrel; the server keeps serving.</summary>
public sealed class PredictEndToEndTests(DemoServerFixture fixture) : IClassFixture<DemoServerFixture>
{
    private const string ReadmeRequest = """
        {"model": "breast-cancer",
         "features": {"mean radius": 13.5, "mean texture": 14.4, "mean perimeter": 87.5, "mean area": 566.3,
                      "worst radius": 15.1, "worst texture": 19.3, "worst perimeter": 99.7, "worst area": 711.2}}
        """;

    private readonly HttpClient _client = fixture.Client;

    [Fact]
    public async Task Predict_ReadmeExample_AnswersWithLabelConfidenceAndVersion()
    {
        var row = await PostOkAsync(ReadmeRequest);

        Assert.True(Guid.TryParse((string?)row["prediction_id"], out _));
        Assert.Equal("benign", (string?)row["label"]);
        Assert.Equal(1, (int)row["prediction"]!);
        Assert.InRange((double)row["confidence"]!, 0.5, 1.0);
        Assert.Equal("2", (string?)row["model_version"]);
        Assert.True((double)row["latency_ms"]! > 0);
    }

    [Fact]
    public async Task Predict_PinnedVersionAndRowList_AnswersPerRow()
    {
        var body = """{"model": "iris", "version": "1", "input": [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3], [5.9, 3.0, 4.2, 1.5]]}""";

        using var response = await _client.PostAsync("api/v1/predict", Json(body));

        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var labels = json["predictions"]!.AsArray().Select(p => (string)p!["label"]!).ToArray();
        Assert.Equal(["setosa", "virginica", "versicolor"], labels);
        Assert.All(json["predictions"]!.AsArray(), p => Assert.Equal("1", (string?)p!["model_version"]));
    }

    [Theory]
    [InlineData("""{"model": "nope", "features": [1, 2, 3, 4]}""", HttpStatusCode.NotFound, "'nope'")]
    [InlineData("""{"model": "iris", "version": "9", "features": [1, 2, 3, 4]}""", HttpStatusCode.NotFound, "'9'")]
    [InlineData("""{"model": "iris", "features": {"sepal length (cm)": 5.1, "colour": 3}}""", HttpStatusCode.BadRequest, "colour")]
    [InlineData("""{"model": "iris", "features": [1, 2, 3]}""", HttpStatusCode.BadRequest, "4")]
    [InlineData("""{"model": "iris", "features": ["a", "b", "c", "d"]}""", HttpStatusCode.BadRequest, "number")]
    [InlineData("""{"model": "iris", "features": [1, 2, 3, 4""", HttpStatusCode.BadRequest, "byte")]
    [InlineData("""{"features": [1, 2, 3, 4]}""", HttpStatusCode.BadRequest, "'model'")]
    [InlineData("""{"model": "iris"}""", HttpStatusCode.BadRequest, "'features'")]
    public async Task Predict_BadInput_IsRejectedWithAProblemNamingIt(string body, HttpStatusCode expected, string mentioned)
    {
        using var response = await _client.PostAsync("api/v1/predict", Json(body));

        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(mentioned, (string?)JsonNode.Parse(text)!["detail"], StringComparison.Ordinal);
        await PostOkAsync(ReadmeRequest);
    }

    [Theory]
    [InlineData("""{"inputs": [{"name": "features", "shape": [1, 3], "datatype": "FP32", "data": [1, 2, 3]}]}""", "[N,4]")]
    [InlineData("""{"inputs": [{"name": "features", "shape": [1, 4], "datatype": "INT32", "data": [1, 2, 3, 4]}]}""", "FP32")]
    [InlineData("""{"inputs": [{"name": "features", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3]}]}""", "4")]
    [InlineData("""{"inputs": [{"name": "features", "shape": [1, 4], "datatype": "FP33", "data": [1, 2, 3, 4]}]}""", "FP33")]
    [InlineData("""{"inputs": [{"name": "features", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3, 4]}""", "JSON")]
    public async Task V2Infer_BadTensor_IsRejectedWithTheV2ErrorBody(string body, string mentioned)
    {
        using var response = await _client.PostAsync("v2/models/iris/infer", Json(body));

        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(mentioned, (string?)JsonNode.Parse(text)!["error"], StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("GET", "api/v1/predict", HttpStatusCode.MethodNotAllowed)]
    [InlineData("GET", "api/v1/no-such-endpoint", HttpStatusCode.NotFound)]
    public async Task ErrorsWithoutABody_GetAProblemDetailsBody(string method, string path, HttpStatusCode expected)
    {
        using var response = await _client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)expected, (int)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["status"]!);
    }

    [Fact]
    public async Task BodyOverTheLimit_Is413_AndTheServerKeepsServing()
    {
        var huge = new StringBuilder("""{"model": "iris", "features": [""");
        huge.Append(string.Join(',', Enumerable.Repeat("1.0", 5_000_000)));
        huge.Append("]}");

        using (var response = await _client.PostAsync("api/v1/predict", Json(huge.ToString())))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        }

        using (var v2 = await _client.PostAsync("v2/models/iris/infer", Json(huge.ToString())))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, v2.StatusCode);
            Assert.NotNull((string?)JsonNode.Parse(await v2.Content.ReadAsStringAsync())!["error"]);
        }

        await PostOkAsync(ReadmeRequest);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("health")).StatusCode);
    }

    [Fact]
    public async Task OpenApiDocument_DescribesThePredictEndpoint()
    {
        var document = JsonNode.Parse(await _client.GetStringAsync("openapi/v1.json"))!;

        Assert.NotNull(document["paths"]!["/api/v1/predict"]);
        Assert.NotNull(document["paths"]!["/v2/models/{model}/infer"]);
    }

    private async Task<JsonNode> PostOkAsync(string body)
    {
        using var response = await _client.PostAsync("api/v1/predict", Json(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonNode.Parse(text)!;
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
