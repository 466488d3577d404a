using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using OrleansInference.Api.Grpc.Protocol;
using OrleansInference.Api.Tests.Experiments;
using OrleansInference.Api.Tests.Infrastructure;

namespace OrleansInference.Api.Tests.Resilience;

/// <summary>
/// The circuit breaker per model version: a version that fails at run time (the faulty version 9 of
/// <see cref="ExperimentTestModels"/>) opens its breaker after a few failures; the model's fallback version then
/// answers on REST predict and v2, marked as such; after the break a trial call that succeeds closes it. Without a
/// fallback an open breaker is a 503 with Retry-After; client errors never open it. With cached answers as the fallback,
/// an open breaker answers a request the version's result cache holds, marked as such, and refuses the others.
/// </summary>
public sealed class CircuitBreakerTests : IAsyncLifetime
{
    private const string WithFallback = "bc-breaker";
    private const string WithoutFallback = "bc-nofallback";
    private const string WithCachedAnswers = "bc-cached";
    private static readonly string ZerosV2 = V2Body(0f);
    private static readonly string OnesV2 = V2Body(1f);

    private ApiServer _server = null!;

    public async Task InitializeAsync() => _server = await ApiServer.StartAsync(
        prepare: root =>
        {
            foreach (var name in new[] { WithFallback, WithoutFallback, WithCachedAnswers })
            {
                var target = Path.Combine(root, name, "1");
                RepositoryPaths.CopyDirectory(Path.Combine(root, "breast-cancer", "1"), target);
                var config = JsonNode.Parse(File.ReadAllText(Path.Combine(target, "config.json")))!.AsObject();
                config["name"] = name;
                config["stage"] = "production";
                File.WriteAllText(Path.Combine(target, "config.json"), config.ToJsonString());
                ExperimentTestModels.WriteFaulty(root, name);
                if (name == WithCachedAnswers)
                {
                    var faulty = Path.Combine(root, name, "9", "config.json");
                    var faultyConfig = JsonNode.Parse(File.ReadAllText(faulty))!.AsObject();
                    faultyConfig["cache"] = new JsonObject { ["ttl_seconds"] = 600, ["max_entries"] = 100 };
                    File.WriteAllText(faulty, faultyConfig.ToJsonString());
                }
            }
        },
        settings: new Dictionary<string, string>
        {
            ["Resilience:MinimumThroughput"] = "3",
            ["Resilience:FailureRatio"] = "0.5",
            ["Resilience:SamplingDuration"] = "00:01:00",
            ["Resilience:BreakDuration"] = "00:00:02",
            [$"Resilience:Models:{WithFallback}:FallbackVersion"] = "1",
            [$"Resilience:Models:{WithCachedAnswers}:FallbackToCachedAnswer"] = "true",
        });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task FailingVersion_OpensItsBreaker_FallbackServesMarked_ThenItRecovers()
    {
        // Phase 1: the faulty version answers 500 until its breaker opens; then the fallback answers.
        var statuses = new List<string>();
        HttpResponseMessage? served = null;
        for (var i = 0; i < 12 && served is null; i++)
        {
            var response = await PostAsync("api/v1/predict", PredictBody(WithFallback, "9"));
            if (response.StatusCode == HttpStatusCode.OK)
            {
                served = response;
                break;
            }

            statuses.Add($"{(int)response.StatusCode}");
            Assert.True(response.StatusCode == HttpStatusCode.InternalServerError, $"request {i}: expected 500 from the faulty version, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            response.Dispose();
        }

        Assert.True(served is not null, $"the breaker never opened; statuses {string.Join(",", statuses)}");
        Assert.True(statuses.Count >= 3, $"the breaker opened after {statuses.Count} failures; expected at least MinimumThroughput (3)");
        using (served)
        {
            var row = JsonNode.Parse(await served.Content.ReadAsStringAsync())!;
            Assert.Equal("1", served.Headers.GetValues("X-Fallback-Version").Single());
            Assert.True((bool?)row["fallback"] == true, row.ToJsonString());
            Assert.Equal("1", (string?)row["model_version"]);
        }

        // Phase 2: v2 on the broken version is served by the fallback too, marked in a header and the parameters.
        using (var v2 = await PostAsync($"v2/models/{WithFallback}/versions/9/infer", OnesV2))
        {
            var body = JsonNode.Parse(await v2.Content.ReadAsStringAsync())!;
            Assert.True(v2.StatusCode == HttpStatusCode.OK, body.ToJsonString());
            Assert.Equal("1", v2.Headers.GetValues("X-Fallback-Version").Single());
            Assert.Equal("1", (string?)body["model_version"]);
            Assert.True((bool?)body["parameters"]?["fallback"] == true, body.ToJsonString());
        }

        // gRPC: the same, marked in the response parameters.
        using (var channel = global::Grpc.Net.Client.GrpcChannel.ForAddress(_server.GrpcAddress))
        {
            var grpc = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
            var infer = new ModelInferRequest { ModelName = WithFallback, ModelVersion = "9" };
            var input = new ModelInferRequest.Types.InferInputTensor { Name = "features", Datatype = "FP32", Shape = { 1, 30 }, Contents = new InferTensorContents() };
            input.Contents.Fp32Contents.AddRange(Enumerable.Repeat(1f, 30));
            infer.Inputs.Add(input);
            var answer = await grpc.ModelInferAsync(infer);
            Assert.Equal("1", answer.ModelVersion);
            Assert.True(answer.Parameters["fallback"].BoolParam);
        }

        // Phase 3: after the break (2 s) the next call is a trial; all-zero rows run on the faulty version, so the
        // trial succeeds and the breaker closes: the version answers for itself again.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var recovered = false;
        while (!recovered && DateTime.UtcNow < deadline)
        {
            using var probe = await PostAsync($"v2/models/{WithFallback}/versions/9/infer", ZerosV2);
            var body = JsonNode.Parse(await probe.Content.ReadAsStringAsync())!;
            Assert.True(probe.StatusCode == HttpStatusCode.OK, body.ToJsonString());
            recovered = !probe.Headers.Contains("X-Fallback-Version") && (string?)body["model_version"] == "9";
            if (!recovered)
            {
                await Task.Delay(200);
            }
        }

        Assert.True(recovered, "the breaker did not half-open and close within 30 s of opening (break duration 2 s)");
        using var again = await PostAsync("api/v1/predict", PredictBody(WithFallback, "9"));
        Assert.Equal(HttpStatusCode.InternalServerError, again.StatusCode);
        Assert.False(again.Headers.Contains("X-Fallback-Version"));
    }

    [Fact]
    public async Task OpenBreakerWithoutFallback_Is503WithRetryAfter()
    {
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 12 && refused is null; i++)
        {
            var response = await PostAsync("api/v1/predict", PredictBody(WithoutFallback, "9"));
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                refused = response;
                break;
            }

            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            response.Dispose();
        }

        Assert.NotNull(refused);
        using (refused)
        {
            Assert.NotNull(refused.Headers.RetryAfter?.Delta);
            Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
            var detail = (string?)JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["detail"];
            Assert.Contains($"'{WithoutFallback}/9' is failing: its circuit breaker is open", detail, StringComparison.Ordinal);
            Assert.Contains($"Resilience:Models:{WithoutFallback}:FallbackVersion", detail, StringComparison.Ordinal);
        }

        // The model's other version has a breaker of its own, closed.
        using var other = await PostAsync("api/v1/predict", PredictBody(WithoutFallback, "1"));
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task OpenBreakerWithCachedAnswers_ServesTheCachedAnswerMarked_RefusesOthers()
    {
        // Phase 1: the training means standardize to all-zero rows, which the faulty version runs: its answer is cached.
        var meansBody = $$"""{"model": "{{WithCachedAnswers}}", "version": "9", "features": [{{MeansRow()}}]}""";
        using (var first = await PostAsync("api/v1/predict", meansBody))
        {
            var row = JsonNode.Parse(await first.Content.ReadAsStringAsync())!;
            Assert.True(first.StatusCode == HttpStatusCode.OK, $"the all-zero row on the faulty version: {row.ToJsonString()}");
            Assert.Equal("9", (string?)row["model_version"]);
            Assert.Null(row["fallback"]);
        }

        // Phase 2: real rows fail until the breaker opens; a row the cache does not hold is then a 503 with Retry-After.
        HttpResponseMessage? refused = null;
        var statuses = new List<string>();
        for (var i = 0; i < 12 && refused is null; i++)
        {
            var response = await PostAsync("api/v1/predict", PredictBody(WithCachedAnswers, "9"));
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                refused = response;
                break;
            }

            statuses.Add($"{(int)response.StatusCode}");
            Assert.True(response.StatusCode == HttpStatusCode.InternalServerError, $"request {i}: expected 500 from the faulty version, got {(int)response.StatusCode}");
            response.Dispose();
        }

        Assert.True(refused is not null, $"the breaker never opened; statuses {string.Join(",", statuses)}");
        using (refused)
        {
            Assert.NotNull(refused.Headers.RetryAfter?.Delta);
            Assert.False(refused.Headers.Contains("X-Fallback"));
            var detail = (string?)JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["detail"];
            Assert.Contains($"'{WithCachedAnswers}/9' is failing: its circuit breaker is open, its result cache holds no answer for this request", detail, StringComparison.Ordinal);
        }

        // Phase 3: the cached row is answered from the cache while the breaker is open, marked in a header and the body.
        using var served = await PostAsync("api/v1/predict", meansBody);
        var body = JsonNode.Parse(await served.Content.ReadAsStringAsync())!;
        Assert.True(served.StatusCode == HttpStatusCode.OK, $"the cached row with the breaker open: {(int)served.StatusCode} {body.ToJsonString()}");
        Assert.Equal("cache", served.Headers.GetValues("X-Fallback").Single());
        Assert.False(served.Headers.Contains("X-Fallback-Version"));
        Assert.True((bool?)body["fallback"] == true, body.ToJsonString());
        Assert.True((bool?)body["cached"] == true, body.ToJsonString());
        Assert.Equal("9", (string?)body["model_version"]);
    }

    [Fact]
    public async Task ClientErrors_NeverOpenTheBreaker()
    {
        const string wrongShape = """{"inputs": [{"name": "features", "shape": [1, 3], "datatype": "FP32", "data": [1, 2, 3]}]}""";
        for (var i = 0; i < 8; i++)
        {
            using var bad = await PostAsync($"v2/models/{WithoutFallback}/versions/1/infer", wrongShape);
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }

        using var good = await PostAsync($"v2/models/{WithoutFallback}/versions/1/infer", OnesV2);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.False(good.Headers.Contains("X-Fallback-Version"));
    }

    [Theory]
    [InlineData("Resilience:BreakDuration", "00:00:00.100", "Resilience:BreakDuration")]
    [InlineData("Resilience:FailureRatio", "0", "Resilience:FailureRatio")]
    [InlineData("Resilience:MinimumThroughput", "1", "Resilience:MinimumThroughput")]
    [InlineData("Resilience:Models:breast-cancer:FallbackToCachedAnswer", "sometimes", "Resilience:Models:breast-cancer:FallbackToCachedAnswer")]
    public async Task InvalidBreakerSettings_StopStartUpNamingTheKey(string key, string value, string expected)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => ApiServer.StartAsync(settings: new Dictionary<string, string> { [key] = value }));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    private static string PredictBody(string model, string version) =>
        $$"""{"model": "{{model}}", "version": "{{version}}", "features": {{ExperimentHttp.BreastCancerFeatures}}}""";

    /// <summary>breast-cancer's training means, which its standardization turns into an all-zero row, written to parse back exactly.</summary>
    private static string MeansRow()
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Models, "breast-cancer", "1", "config.json")))!;
        return string.Join(", ", config["preprocessing"]!["standardize"]!["mean"]!.AsArray()
            .Select(mean => mean!.GetValue<float>().ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
    }

    private static string V2Body(float value) =>
        $$"""{"inputs": [{"name": "features", "shape": [1, 30], "datatype": "FP32", "data": [{{string.Join(", ", Enumerable.Repeat(value.ToString(System.Globalization.CultureInfo.InvariantCulture), 30))}}]}]}""";

    private Task<HttpResponseMessage> PostAsync(string path, string body) =>
        _server.Client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
}
