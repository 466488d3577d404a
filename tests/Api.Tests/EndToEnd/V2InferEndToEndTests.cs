using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using OrleansInference.Api.Tests.Infrastructure;

namespace OrleansInference.Api.Tests.EndToEnd;

/// <summary>KServe v2 over a real Kestrel: every datatype, binary tensors, metadata, readiness and the Triton extensions.</summary>
public sealed class V2InferEndToEndTests(DemoServerFixture fixture) : IClassFixture<DemoServerFixture>
{
    private readonly HttpClient _client = fixture.Client;

    public static TheoryData<string, string> Datatypes => new()
    {
        { "BOOL", "[true, false, true, false, false, true]" },
        { "UINT8", "[0, 1, 2, 253, 254, 255]" },
        { "UINT16", "[0, 1, 2, 65533, 65534, 65535]" },
        { "UINT32", "[0, 1, 2, 4294967293, 4294967294, 4294967295]" },
        { "UINT64", "[0, 1, 2, 3, 18446744073709551614, 18446744073709551615]" },
        { "INT8", "[-128, -1, 0, 1, 2, 127]" },
        { "INT16", "[-32768, -1, 0, 1, 2, 32767]" },
        { "INT32", "[-2147483648, -1, 0, 1, 2, 2147483647]" },
        { "INT64", "[-9223372036854775808, -1, 0, 1, 2, 9223372036854775807]" },
        { "FP16", "[-2.5, -1, 0, 0.5, 1.5, 1024]" },
        { "BF16", "[-2.5, -1, 0, 0.5, 1.5, 256]" },
        { "FP32", "[-2.5, -1, 0, 0.1, 1.5, 3.4028235E+38]" },
        { "FP64", "[-2.5, -1, 0, 0.1, 1.5, 1.7976931348623157E+308]" },
        { "BYTES", "[\"a\", \"\", \"héllo\", \"x y\", \"42\", \"\\u00e9\"]" },
    };

    [Theory]
    [MemberData(nameof(Datatypes))]
    public async Task Infer_EveryDatatype_ReturnsTheInputThroughTheIdentityModel(string datatype, string data)
    {
        var model = TestModels.IdentityName(datatype);
        var body = $$"""{"id": "req-{{datatype}}", "inputs": [{"name": "x", "shape": [2, 3], "datatype": "{{datatype}}", "data": {{data}}}]}""";

        using var response = await _client.PostAsync($"v2/models/{model}/infer", Json(body));

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var json = JsonNode.Parse(text)!;
        Assert.Equal(model, (string?)json["model_name"]);
        Assert.Equal("1", (string?)json["model_version"]);
        Assert.Equal($"req-{datatype}", (string?)json["id"]);
        var output = json["outputs"]![0]!;
        Assert.Equal("y", (string?)output["name"]);
        Assert.Equal(datatype, (string?)output["datatype"]);
        Assert.Equal("[2,3]", output["shape"]!.ToJsonString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(data), output["data"]), $"expected {data}, got {output["data"]!.ToJsonString()}");
    }

    [Fact]
    public async Task Infer_BinaryTensorExtension_RoundTripsInputAndOutputBytes()
    {
        float[] values = [1.5f, -2f, 3.25f, 0f, 7f, -0.5f];
        var tensor = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, tensor, 0, tensor.Length);
        var header = Encoding.UTF8.GetBytes(
            """{"inputs": [{"name": "x", "shape": [2, 3], "datatype": "FP32", "parameters": {"binary_data_size": 24}}], "outputs": [{"name": "y", "parameters": {"binary_data": true}}]}""");
        using var content = new ByteArrayContent([.. header, .. tensor]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.Add("Inference-Header-Content-Length", header.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));

        using var response = await _client.PostAsync("v2/models/double-fp32/infer", content);

        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var jsonLength = int.Parse(response.Headers.GetValues("Inference-Header-Content-Length").Single(), System.Globalization.CultureInfo.InvariantCulture);
        var json = JsonNode.Parse(bytes.AsSpan(0, jsonLength))!;
        Assert.Equal(24, (int)json["outputs"]![0]!["parameters"]!["binary_data_size"]!);
        var doubled = new float[6];
        Buffer.BlockCopy(bytes, jsonLength, doubled, 0, 24);
        Assert.Equal(values.Select(v => v * 2), doubled);
    }

    [Fact]
    public async Task Infer_DemoModel_ReproducesTheTrainersExpectedProbabilities()
    {
        foreach (var model in new[] { "iris", "breast-cancer", "digits" })
        {
            var samples = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Models, model, "1", "samples.json")))!;
            var rows = samples["rows"]!.AsArray();
            var body = new JsonObject
            {
                ["model"] = model,
                ["version"] = "1",
                ["features"] = rows.DeepClone(),
            };

            using var response = await _client.PostAsync("api/v1/predict", Json(body.ToJsonString()));

            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, text);
            var predictions = JsonNode.Parse(text)!["predictions"]!.AsArray();
            var expected = samples["expected_probabilities"]!.AsArray();
            Assert.Equal(rows.Count, predictions.Count);
            for (var i = 0; i < rows.Count; i++)
            {
                var probabilities = expected[i]!.AsArray().Select(p => (double)p!).ToArray();
                var best = Array.IndexOf(probabilities, probabilities.Max());
                Assert.Equal(best, (int)predictions[i]!["prediction"]!);
                Assert.Equal(probabilities[best], (double)predictions[i]!["confidence"]!, 1e-5);
            }
        }
    }

    [Fact]
    public async Task MetadataAndReadiness_FollowTheProtocol()
    {
        var server = JsonNode.Parse(await _client.GetStringAsync("v2"))!;
        Assert.Equal("orleans-inference", (string?)server["name"]);
        Assert.Contains("binary_tensor_data", server["extensions"]!.AsArray().Select(e => (string?)e));

        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("v2/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("v2/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("v2/models/iris/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("v2/models/iris/versions/1/ready")).StatusCode);

        var metadata = JsonNode.Parse(await _client.GetStringAsync("v2/models/breast-cancer"))!;
        Assert.Equal("onnxruntime_onnx", (string?)metadata["platform"]);
        Assert.Equal(["1", "2"], metadata["versions"]!.AsArray().Select(v => (string)v!));
        Assert.Equal("FP32", (string?)metadata["inputs"]![0]!["datatype"]);
        Assert.Equal("[-1,30]", metadata["inputs"]![0]!["shape"]!.ToJsonString());

        using var missing = await _client.GetAsync("v2/models/nope");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("'nope'", (string?)JsonNode.Parse(await missing.Content.ReadAsStringAsync())!["error"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task TritonExtensions_IndexStatisticsAndUnloadLoad()
    {
        using (var infer = await _client.PostAsync("v2/models/identity-int32/infer", Json("""{"inputs": [{"name": "x", "shape": [1, 3], "datatype": "INT32", "data": [1, 2, 3]}]}""")))
        {
            Assert.Equal(HttpStatusCode.OK, infer.StatusCode);
        }

        var index = JsonNode.Parse(await (await _client.PostAsync("v2/repository/index", Json("{}"))).Content.ReadAsStringAsync())!.AsArray();
        Assert.Contains(index, e => (string?)e!["name"] == "identity-int32" && (string?)e["state"] == "READY");
        Assert.Contains(index, e => (string?)e!["name"] == "breast-cancer" && (string?)e["version"] == "1" && (string?)e["state"] == "UNAVAILABLE");

        var stats = JsonNode.Parse(await _client.GetStringAsync("v2/models/identity-int32/stats"))!["model_stats"]![0]!;
        Assert.True((long)stats["inference_count"]! >= 1);
        Assert.True((long)stats["inference_stats"]!["success"]!["count"]! >= 1);

        Assert.Equal(HttpStatusCode.OK, (await _client.PostAsync("v2/repository/models/identity-int16/unload", null)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _client.GetAsync("v2/models/identity-int16/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.PostAsync("v2/repository/models/identity-int16/load", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("v2/models/identity-int16/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.PostAsync("v2/repository/models/nope/load", null)).StatusCode);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
