using System.Net;
using System.Text;
using OrleansInference.Api.Tests.Infrastructure;

namespace OrleansInference.Api.Tests.EndToEnd;

/// <summary><c>GET /metrics</c> (the OpenTelemetry Prometheus exporter) reflects exactly the requests the server answered.</summary>
public sealed class MetricsEndToEndTests(DemoServerFixture fixture) : IClassFixture<DemoServerFixture>
{
    private static readonly (string, string)[] Identity = [("model", "identity-fp64"), ("version", "1")];
    private readonly HttpClient _client = fixture.Client;

    [Fact]
    public async Task Metrics_CountRequestsByOutcome_AndExposeDurationsBatchesAndLoadedVersions()
    {
        var before = await PrometheusScrape.ReadAsync(_client);
        for (var i = 0; i < 3; i++)
        {
            using var ok = await _client.PostAsync("v2/models/identity-fp64/infer", Json("""{"inputs": [{"name": "x", "shape": [1, 3], "datatype": "FP64", "data": [1, 2, 3]}]}"""));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using (var invalid = await _client.PostAsync("v2/models/identity-fp64/infer", Json("""{"inputs": [{"name": "x", "shape": [1, 3], "datatype": "FP32", "data": [1, 2, 3]}]}""")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        }

        var after = await PrometheusScrape.ReadAsync(_client);

        Assert.Equal(3, after.Sum("oi_inference_requests_total", [.. Identity, ("status", "ok")]) - before.Sum("oi_inference_requests_total", [.. Identity, ("status", "ok")]));
        Assert.Contains("# TYPE oi_inference_duration_seconds histogram", after.Text, StringComparison.Ordinal);
        Assert.True(after.Has("oi_inference_duration_seconds_bucket", [.. Identity, ("le", "+Inf")]));
        Assert.True(after.Has("oi_inference_batch_rows_count", Identity));
        Assert.Equal(1, after.Sum("oi_model_versions_loaded", Identity));
        Assert.True(after.Has("http_server_request_duration_seconds_bucket"));
    }

    [Fact]
    public async Task Scrape_UnderConcurrentLoad_CountersAndHistogramBucketsMatchWhatWasSent()
    {
        const int Workers = 8;
        const int PerWorker = 25;
        const int Sent = Workers * PerWorker;
        var before = await PrometheusScrape.ReadAsync(_client);

        // Scrapes run beside the load, as Prometheus would; each must parse.
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var scraping = Task.Run(async () =>
        {
            var scrapes = 0;
            while (!stop.IsCancellationRequested)
            {
                await PrometheusScrape.ReadAsync(_client);
                scrapes++;
            }

            return scrapes;
        });
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(async worker =>
        {
            for (var i = 0; i < PerWorker; i++)
            {
                // Distinct values so the result cache (when enabled) cannot answer.
                var body = $$"""{"inputs": [{"name": "x", "shape": [1, 3], "datatype": "FP64", "data": [{{worker}}, {{i}}, 0.5]}]}""";
                using var response = await _client.PostAsync("v2/models/identity-fp64/infer", Json(body));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        }));
        await stop.CancelAsync();
        Assert.True(await scraping > 0);

        var after = await PrometheusScrape.ReadAsync(_client);
        double Delta(string name, params (string, string)[] labels) => after.Sum(name, labels) - before.Sum(name, labels);

        Assert.Equal(Sent, Delta("oi_inference_requests_total", [.. Identity, ("status", "ok")]));
        Assert.Equal(Sent, Delta("oi_inference_requests_total", Identity));
        Assert.Equal(Sent, Delta("oi_inference_duration_seconds_count", Identity));
        Assert.Equal(Sent, Delta("oi_inference_queue_duration_seconds_count", Identity));

        // Every request is one row, so the executed batches' rows add up to the requests sent, however they were batched.
        Assert.Equal(Sent, Delta("oi_inference_batch_rows_sum", Identity));
        var batches = Delta("oi_inference_batch_rows_count", Identity);
        Assert.InRange(batches, 1, Sent);
        Assert.Equal(batches, Delta("oi_inference_compute_duration_seconds_count", Identity));

        // Buckets are cumulative, end at +Inf with the count, and the new observations fall into them exactly once.
        foreach (var histogram in new[] { "oi_inference_duration_seconds", "oi_inference_queue_duration_seconds" })
        {
            var bucketsBefore = before.Buckets(histogram, Identity);
            var bucketsAfter = after.Buckets(histogram, Identity);
            Assert.True(bucketsAfter.Count > 2, histogram);
            Assert.Equal(after.Sum(histogram + "_count", Identity), bucketsAfter[double.PositiveInfinity]);
            Assert.Equal((double)Sent, bucketsAfter[double.PositiveInfinity] - bucketsBefore.GetValueOrDefault(double.PositiveInfinity));
            var previous = 0.0;
            foreach (var (bound, count) in bucketsAfter)
            {
                Assert.True(count >= previous, $"{histogram} bucket le={bound} is not cumulative");
                Assert.True(count - bucketsBefore.GetValueOrDefault(bound) >= 0, $"{histogram} bucket le={bound} went down");
                previous = count;
            }
        }

        // The HTTP layer saw the same requests (ASP.NET Core's own meter), by route and status code.
        Assert.Equal(Sent, Delta("http_server_request_duration_seconds_count", ("http_route", "/v2/models/{model}/infer"), ("http_response_status_code", "200")));
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
