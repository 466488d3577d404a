using System.Net;
using System.Net.Http.Headers;
using System.Text;
using OrleansInference.Api.Tests.Infrastructure;

namespace OrleansInference.Api.Tests.Http;

/// <summary>
/// Every body limit holds while the body streams in: a chunked body (no Content-Length) past the limit is answered 413
/// with a message naming the limit's configuration key, on every endpoint that takes a JSON body.
/// </summary>
public sealed class RequestBodyLimitTests(DemoServerFixture fixture) : IClassFixture<DemoServerFixture>
{
    private const long DefaultJsonLimit = 4L * 1024 * 1024;

    /// <summary>
    /// How far past a limit the test bodies go: enough to be refused, small enough that the client has sent it all when
    /// the 413 comes (a server that stops reading mid-body closes the connection; a client still writing then sees a
    /// broken pipe instead of the answer).
    /// </summary>
    private const long Overflow = 16 * 1024;

    [Theory]
    [InlineData("api/v1/feedback", "{\"prediction_id\": \"")]
    [InlineData("api/v1/experiments", "{\"id\": \"")]
    [InlineData("api/v1/experiments/none/abort", "{\"reason\": \"")]
    [InlineData("api/v1/models/iris/versions/1/stage", "{\"stage\": \"")]
    [InlineData("api/v1/models/iris/deploy", "{\"version\": \"")]
    [InlineData("api/v1/models/iris/versions", "{\"path\": \"")]
    [InlineData("v2/repository/index", "{\"ready\": \"")]
    public async Task ChunkedJsonBody_PastTheJsonLimit_Is413NamingTheKey(string path, string prefix)
    {
        using var response = await PostChunkedAsync(path, prefix, DefaultJsonLimit + Overflow);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"POST {path}: expected 413, got {(int)response.StatusCode}: {text}");
        Assert.Contains("Api:MaxJsonBodyBytes", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChunkedJsonBody_UnderTheLimit_IsRead()
    {
        using var response = await PostChunkedAsync("api/v1/feedback", "{\"reward\": 1, \"prediction_id\": \"", 1024 * 1024);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"expected 400 (not a prediction id), got {(int)response.StatusCode}: {text}");
        Assert.Contains("prediction_id", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("api/v1/predict")]
    [InlineData("api/v1/explain")]
    [InlineData("v2/models/iris/infer")]
    public async Task ChunkedInferenceBody_PastMaxRequestBodyBytes_Is413NamingTheKey(string path)
    {
        using var response = await PostChunkedAsync(path, "{\"model\": \"", (16L * 1024 * 1024) + Overflow);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"POST {path}: expected 413, got {(int)response.StatusCode}: {text}");
        Assert.Contains("Api:MaxRequestBodyBytes", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InferenceBody_LargerThanTheJsonLimit_IsStillAccepted()
    {
        // 5 MiB of whitespace around a valid request: over Api:MaxJsonBodyBytes, under Api:MaxRequestBodyBytes.
        using var response = await PostChunkedAsync("api/v1/predict", "{\"model\": \"iris\", \"features\": [5.1, 3.5, 1.4, 0.2]", 5L * 1024 * 1024, filler: (byte)' ', suffix: "}");

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {(int)response.StatusCode}: {text}");
    }

    [Fact]
    public async Task DeclaredLength_PastTheJsonLimit_Is413()
    {
        var body = new ByteArrayContent(new byte[DefaultJsonLimit + 1]);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await fixture.Client.PostAsync("api/v1/feedback", body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("Api:MaxJsonBodyBytes", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private Task<HttpResponseMessage> PostChunkedAsync(string path, string prefix, long fill, byte filler = (byte)'a', string suffix = "\"}")
    {
        var content = new StreamContent(new GeneratedBodyStream(Encoding.UTF8.GetBytes(prefix), fill, filler, Encoding.UTF8.GetBytes(suffix)));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.TransferEncodingChunked = true;
        return fixture.Client.SendAsync(request);
    }
}
