using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using OrleansInference.Api.Tests.Infrastructure;

namespace OrleansInference.Api.Tests.Http;

/// <summary>
/// Strings that are not text (raw bytes that are not UTF-8, escaped unpaired surrogates), malformed multipart and JSON
/// bodies, and tensor shapes whose element count overflows: each is a 400 naming the field, never a 500.
/// </summary>
public sealed class MalformedInputTests(DemoServerFixture fixture) : IClassFixture<DemoServerFixture>
{
    /// <summary>Where the marker goes: <c>BAD</c> is replaced by a string that is not text.</summary>
    public static TheoryData<string, string, string> NotTextBodies { get; } = new()
    {
        { "api/v1/predict", """{"model": "iris", "user_id": BAD, "features": [5.1, 3.5, 1.4, 0.2]}""", "'user_id'" },
        { "api/v1/predict", """{"model": BAD, "features": [5.1, 3.5, 1.4, 0.2]}""", "'model'" },
        { "api/v1/predict", """{"model": "iris", "version": BAD, "features": [5.1, 3.5, 1.4, 0.2]}""", "'version'" },
        { "api/v1/predict", """{"model": "iris", "features": {BAD: 5.1}}""", "feature name" },
        { "api/v1/explain", """{"model": BAD, "features": [5.1, 3.5, 1.4, 0.2]}""", "'model'" },
        { "v2/models/iris/infer", """{"id": BAD, "inputs": [{"name": "features", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3, 4]}]}""", "'id'" },
        { "v2/models/iris/infer", """{"inputs": [{"name": BAD, "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3, 4]}]}""", "'name'" },
        { "v2/models/iris/infer", """{"inputs": [{"name": "features", "shape": [1, 4], "datatype": BAD, "data": [1, 2, 3, 4]}]}""", "'datatype'" },
        { "v2/models/iris/infer", """{"parameters": {"p": BAD}, "inputs": [{"name": "features", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3, 4]}]}""", "'p'" },
        { "api/v1/batch", """{"model": BAD, "inputs": [[1, 2, 3, 4]]}""", "'model'" },
        { "api/v1/batch", """{"model": "iris", "inputs": [{"x": BAD}]}""", "'inputs[0]'" },
        { "api/v1/feedback", """{"prediction_id": BAD, "reward": 1}""", "prediction_id" },
        { "api/v1/feedback", """{"prediction_id": "00000000-0000-0000-0000-000000000001", "label": BAD}""", "'label'" },
        { "api/v1/experiments", """{"id": BAD, "model": "iris"}""", "id" },
    };

    [Theory]
    [MemberData(nameof(NotTextBodies))]
    public async Task InvalidUtf8String_Is400NamingTheField(string path, string template, string field)
    {
        await AssertRejectedAsync(path, Body(template, [(byte)'"', (byte)'a', 0xFF, 0xFE, (byte)'"']), field);
    }

    [Theory]
    [MemberData(nameof(NotTextBodies))]
    public async Task LoneSurrogateEscape_Is400NamingTheField(string path, string template, string field)
    {
        await AssertRejectedAsync(path, Body(template, "\"a\\ud800b\""u8.ToArray()), field);
    }

    [Fact]
    public async Task MalformedMultipart_OnRegistration_Is400()
    {
        var content = new ByteArrayContent("--xyz\r\nContent-Disposition: form-data; name=\"model\"; filename=\"m.onnx\"\r\n\r\nabc"u8.ToArray());
        content.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=xyz");

        using var response = await fixture.Client.PostAsync("api/v1/models/iris/versions", content);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"expected 400, got {(int)response.StatusCode}: {text}");
        Assert.Contains("malformed", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"path\": ")]
    [InlineData("{\"path\": 12}")]
    [InlineData("[1, 2]")]
    public async Task MalformedJson_OnRegisterByPath_Is400(string body)
    {
        using var response = await fixture.Client.PostAsync("api/v1/models/iris/versions", Json(Encoding.UTF8.GetBytes(body)));

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"expected 400, got {(int)response.StatusCode}: {text}");
    }

    [Theory]
    [InlineData("[9223372036854775807, 9223372036854775807]")]
    [InlineData("[4294967296, 4294967296, 4]")]
    [InlineData("[99999999999999999999999, 4]")]
    [InlineData("[1e300, 4]")]
    [InlineData("[2147483648, 4]")]
    [InlineData("[4611686018427387903, 1]")]
    [InlineData("[1, 4611686018427387903]")]
    public async Task OverflowingShape_OnV2Rest_Is400NamingTheInput(string shape)
    {
        var json = $$"""{"inputs": [{"name": "features", "shape": {{shape}}, "datatype": "FP32", "data": [1, 2, 3, 4]}]}""";
        var binary = $$$"""{"inputs": [{"name": "features", "shape": {{{shape}}}, "datatype": "FP32", "parameters": {"binary_data_size": 16}}]}""";

        await AssertRejectedAsync("v2/models/iris/infer", Encoding.UTF8.GetBytes(json), "'features'");
        var (body, headerLength) = (Encoding.UTF8.GetBytes(binary + new string('\0', 16)), Encoding.UTF8.GetByteCount(binary));
        using var content = Json(body);
        content.Headers.TryAddWithoutValidation("Inference-Header-Content-Length", headerLength.ToString(System.Globalization.CultureInfo.InvariantCulture));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await fixture.Client.PostAsync("v2/models/iris/infer", content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"binary: expected 400, got {(int)response.StatusCode}: {text}");
        Assert.Contains("'features'", (string?)JsonNode.Parse(text)!["error"], StringComparison.Ordinal);
    }

    private async Task AssertRejectedAsync(string path, byte[] body, string field)
    {
        using var response = await fixture.Client.PostAsync(path, Json(body));

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"POST {path}: expected 400, got {(int)response.StatusCode}: {text}");
        var json = JsonNode.Parse(text)!;
        var message = (string?)(json["detail"] ?? json["error"]);
        Assert.Contains(field, message, StringComparison.Ordinal);
    }

    private static byte[] Body(string template, byte[] bad)
    {
        var at = template.IndexOf("BAD", StringComparison.Ordinal);
        return [.. Encoding.UTF8.GetBytes(template[..at]), .. bad, .. Encoding.UTF8.GetBytes(template[(at + 3)..])];
    }

    private static ByteArrayContent Json(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }
}
