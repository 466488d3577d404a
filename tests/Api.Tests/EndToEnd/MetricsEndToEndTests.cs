using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using OrleansInference.Api.Tests.Infrastructure;

namespace OrleansInference.Api.Tests.EndToEnd;

/// <summary><c>GET /metrics</c> in Prometheus text format reflects the requests the server answered.</summary>
public sealed class MetricsEndToEndTests(DemoServerFixture fixture) : IClassFixture<DemoServerFixture>
{
    private readonly HttpClient _client = fixture.Client;

    [Fact]
    public async Task Metrics_CountRequestsByOutcome_AndExposeDurationsBatchesAndLoadedVersions()
    {
        var before = Sample(await ScrapeAsync(), """oi_inference_requests_total{model="identity-fp64",version="1",status="ok"}""");
        for (var i = 0; i < 3; i++)
        {
            using var ok = await _client.PostAsync("v2/models/identity-fp64/infer", Json("""{"inputs": [{"name": "x", "shape": [1, 3], "datatype": "FP64", "data": [1, 2, 3]}]}"""));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using (var invalid = await _client.PostAsync("v2/models/identity-fp64/infer", Json("""{"inputs": [{"name": "x", "shape": [1, 3], "datatype": "FP32", "data": [1, 2, 3]}]}""")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        }

        using var response = await _client.GetAsync("metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before + 3, Sample(text, """oi_inference_requests_total{model="identity-fp64",version="1",status="ok"}"""));
        Assert.Contains("# TYPE oi_inference_duration_seconds histogram", text, StringComparison.Ordinal);
        Assert.Contains("""oi_inference_duration_seconds_bucket{model="identity-fp64",version="1",le="+Inf"}""", text, StringComparison.Ordinal);
        Assert.Contains("""oi_inference_batch_rows_count{model="identity-fp64",version="1"}""", text, StringComparison.Ordinal);
        Assert.Equal(1, Sample(text, """oi_model_versions_loaded{model="identity-fp64",version="1"}"""));
        Assert.Contains("http_server_request_duration_seconds_bucket", text, StringComparison.Ordinal);
    }

    private async Task<string> ScrapeAsync() => await _client.GetStringAsync("metrics");

    private static double Sample(string exposition, string series)
    {
        var match = Regex.Match(exposition, "^" + Regex.Escape(series) + " (\\S+)$", RegexOptions.Multiline);
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
