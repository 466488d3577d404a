using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using static OrleansInference.Api.Tests.Experiments.ExperimentHttp;

namespace OrleansInference.Api.Tests.Experiments;

/// <summary>Experiments over a real Kestrel: variants in responses, feedback, canary rollback under load, shadow traffic, validation.</summary>
public sealed partial class ExperimentEndToEndTests(ExperimentServerFixture fixture) : IClassFixture<ExperimentServerFixture>
{
    private readonly HttpClient _client = fixture.Client;

    [Fact]
    public async Task Feedback_JoinsAPredictionNoExperimentRouted_AndIsTakenOncePerPrediction()
    {
        var predictions = await PostAsync(_client, "api/v1/predict", $$"""{"model": "iris", "features": [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]}""");
        var row = predictions["predictions"]![0]!;
        Assert.Null(row["experiment"]);
        var id = (string)row["prediction_id"]!;

        var feedback = await PostAsync(_client, "api/v1/feedback", $$"""{"prediction_id": "{{id}}", "label": "{{row["label"]}}"}""");
        Assert.Equal(id, (string?)feedback["prediction_id"]);
        Assert.Equal("iris", (string?)feedback["model"]);
        Assert.Equal((string?)row["model_version"], (string?)feedback["model_version"]);
        Assert.True((bool?)feedback["correct"]);
        Assert.Null(feedback["experiment"]);

        // The same prediction again, with the same or another label: refused, nothing changes.
        var again = await PostAsync(_client, "api/v1/feedback", $$"""{"prediction_id": "{{id}}", "label": "nope"}""", HttpStatusCode.Conflict);
        Assert.Contains("already has feedback", (string?)again["detail"], StringComparison.Ordinal);

        // The other row of the same request is its own prediction.
        var second = predictions["predictions"]![1]!;
        await PostAsync(_client, "api/v1/feedback", $$"""{"prediction_id": "{{second["prediction_id"]}}", "reward": 1}""");
    }

    [Fact]
    public async Task Predict_UnderAnExperiment_NamesTheVariant_FeedbackUpdatesPerVariantAccuracy_AndPromoteDeploys()
    {
        await PostAsync(_client, "api/v1/experiments", """
            {"id": "ab", "model": "bc-ab", "planned_sample_size": 10,
             "variants": [{"name": "control", "version": "1", "weight": 50, "baseline": true}, {"name": "treatment", "version": "2", "weight": 50}]}
            """, HttpStatusCode.Created);

        var correct = new Dictionary<string, (int Labelled, int Correct)>();
        for (var i = 0; i < 40; i++)
        {
            var row = await PostAsync(_client, "api/v1/predict", PredictBody("bc-ab", "user-" + i.ToString(CultureInfo.InvariantCulture)));
            Assert.Equal("ab", (string?)row["experiment"]);
            var variant = (string)row["variant"]!;
            Assert.Equal(variant == "control" ? "1" : "2", (string?)row["model_version"]);

            // Ground truth alternates, so accuracy differs from 0 and 1.
            var truth = i % 4 == 0 ? "malignant" : "benign";
            var feedback = await PostAsync(_client, "api/v1/feedback", $$"""{"prediction_id": "{{row["prediction_id"]}}", "label": "{{truth}}"}""");
            Assert.Equal(variant, (string?)feedback["variant"]);
            var hit = (string?)row["label"] == truth;
            Assert.Equal(hit, (bool?)feedback["correct"]);
            var (labelled, right) = correct.GetValueOrDefault(variant);
            correct[variant] = (labelled + 1, right + (hit ? 1 : 0));
        }

        var metrics = await GetAsync(_client, "api/v1/experiments/ab/metrics");
        foreach (var v in metrics["variants"]!.AsArray())
        {
            var name = (string)v!["name"]!;
            var (labelled, right) = correct.GetValueOrDefault(name);
            Assert.Equal(labelled, (int)v["labelled"]!);
            Assert.Equal(labelled, (int)v["requests"]!);
            Assert.Equal(Math.Round((double)right / labelled, 6), (double)v["accuracy"]!, 6);
            Assert.True((double)v["latency_p99_ms"]! > 0, $"variant {name} has no latency");
        }

        Assert.Contains(metrics["significance"]!.AsArray(), s => (string?)s!["metric"] == "accuracy" && (string?)s["test"] == "two_proportion_z");
        await PostAsync(_client, "api/v1/feedback", """{"prediction_id": "0190aaaa-0000-7000-8000-000000000000", "label": "benign"}""", HttpStatusCode.NotFound);
        await PostAsync(_client, "api/v1/feedback", """{"prediction_id": "nope", "label": "benign"}""", HttpStatusCode.BadRequest);

        var promoted = await PostAsync(_client, "api/v1/experiments/ab/promote", """{"variant": "treatment"}""");
        Assert.Equal("promoted", (string?)promoted["state"]);
        var after = await PostAsync(_client, "api/v1/predict", PredictBody("bc-ab", "user-1"));
        Assert.Null(after["experiment"]);
        Assert.Equal("2", (string?)after["model_version"]);
        Assert.Equal("2", (string?)(await GetAsync(_client, "api/v1/models/bc-ab/deployment"))["version"]);
        Assert.Contains((await GetAsync(_client, "api/v1/experiments/ab/events"))["events"]!.AsArray(), e => (string?)e!["kind"] == "promoted");
        await PostAsync(_client, "api/v1/experiments/ab/abort", "{}", HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Canary_OnAFaultyVersion_RollsBackUnderLoad_AndTrafficReturnsToBaseline()
    {
        await PostAsync(_client, "api/v1/experiments", """
            {"id": "canary", "model": "bc-canary",
             "variants": [{"name": "stable", "version": "1", "weight": 100, "baseline": true}, {"name": "faulty", "version": "9", "weight": 0}]}
            """, HttpStatusCode.Created);
        var ramp = await PostAsync(_client, "api/v1/experiments/canary/ramp", """
            {"variant": "faulty", "steps": [20, 50, 100], "step_duration_seconds": 600,
             "guardrails": {"max_error_rate_increase": 0.05, "min_samples": 20, "max_p99_latency_ms": 5000}}
            """);
        Assert.Equal("ramping", (string?)ramp["state"]);

        var statuses = new System.Collections.Concurrent.ConcurrentBag<HttpStatusCode>();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; i < 60; i++)
            {
                using var response = await _client.PostAsync("api/v1/predict", Json(PredictBody("bc-canary", $"load-{worker}-{i}")));
                statuses.Add(response.StatusCode);
            }
        })));

        var experiment = await WaitForAsync(() => GetAsync(_client, "api/v1/experiments/canary"), e => (string?)e["state"] == "rolled_back", "the rollback", TimeSpan.FromSeconds(30));
        Assert.Equal(100, (int)experiment["variants"]!.AsArray().Single(v => (string?)v!["name"] == "stable")!["weight"]!);
        Assert.True(statuses.Contains(HttpStatusCode.InternalServerError), "statuses: " + string.Join(",", statuses.GroupBy(s => s).Select(g => $"{g.Key}={g.Count()}")));
        Assert.Contains(HttpStatusCode.OK, statuses);

        var events = (await GetAsync(_client, "api/v1/experiments/canary/events"))["events"]!.AsArray();
        var rollback = Assert.Single(events, e => (string?)e!["kind"] == "rollback")!;
        var evidence = rollback["evidence"]!;
        Assert.True((double)evidence["candidate_requests"]! >= 20, rollback.ToJsonString());
        Assert.True((double)evidence["candidate_error_rate"]! > 0.05 + (double)evidence["baseline_error_rate"]!, rollback.ToJsonString());
        Assert.Contains("rolled back", (string?)rollback["message"], StringComparison.Ordinal);
        Assert.Equal(1, (int)(await GetAsync(_client, "api/v1/experiments/canary/metrics"))["rollbacks"]!);

        for (var i = 0; i < 60; i++)
        {
            var row = await PostAsync(_client, "api/v1/predict", PredictBody("bc-canary", $"load-{i % 8}-{i}"));
            Assert.Equal("stable", (string?)row["variant"]);
            Assert.Equal("1", (string?)row["model_version"]);
        }

        await PostAsync(_client, "api/v1/experiments/canary/abort", "{}");
    }

    [Fact]
    public async Task Shadow_LeavesResponsesByteIdentical_NeverFailsThePrimary_AndMeasuresAgreement()
    {
        await PostAsync(_client, "api/v1/experiments", """
            {"id": "shadow", "model": "bc-shadow", "variants": [{"name": "primary", "version": "1", "weight": 100, "baseline": true}]}
            """, HttpStatusCode.Created);
        var users = Enumerable.Range(0, 20).Select(i => "shadow-user-" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        var plain = await PredictAllAsync(users);

        await SendAsync(_client, HttpMethod.Patch, "api/v1/experiments/shadow", """{"shadow_version": "9"}""", HttpStatusCode.OK);
        var shadowedByFaulty = await PredictAllAsync(users);
        Assert.Equal(plain, shadowedByFaulty);
        var faulty = await WaitForAsync(() => GetAsync(_client, "api/v1/experiments/shadow/metrics"),
            m => (long)m["shadow"]!["failed"]! + (long)m["shadow"]!["dropped"]! >= users.Length, "the faulty shadow's failures", TimeSpan.FromSeconds(30));
        Assert.Equal(0, (long)faulty["shadow"]!["completed"]!);
        Assert.Equal(2 * users.Length, (long)faulty["variants"]![0]!["requests"]!);
        Assert.Equal(0, (long)faulty["variants"]![0]!["errors"]!);

        await SendAsync(_client, HttpMethod.Patch, "api/v1/experiments/shadow", """{"shadow_version": "2"}""", HttpStatusCode.OK);
        Assert.Equal(plain, await PredictAllAsync(users));
        var healthy = await WaitForAsync(() => GetAsync(_client, "api/v1/experiments/shadow/metrics"),
            m => (long)m["shadow"]!["completed"]! + (long)m["shadow"]!["dropped"]! >= users.Length, "the healthy shadow's answers", TimeSpan.FromSeconds(30));
        Assert.Equal("2", (string?)healthy["shadow"]!["version"]);
        Assert.Equal(0, (long)healthy["shadow"]!["failed"]!);
        Assert.Equal(1.0, (double)healthy["shadow"]!["agreement_rate"]!);

        await PostAsync(_client, "api/v1/experiments/shadow/abort", "{}");
    }

    [Fact]
    public async Task Api_RefusesBadInput_WithClearStatuses()
    {
        var sum = await PostAsync(_client, "api/v1/experiments", """
            {"id": "v1", "model": "digits", "variants": [{"name": "a", "version": "1", "weight": 60, "baseline": true}, {"name": "b", "version": "1", "weight": 60}]}
            """, HttpStatusCode.BadRequest);
        Assert.Contains("'variants[].weight' sums to 120", (string?)sum["detail"], StringComparison.Ordinal);
        var missing = await PostAsync(_client, "api/v1/experiments", """{"id": "v1", "model": "digits", "variants": [{"name": "a", "version": "1", "baseline": true}]}""", HttpStatusCode.BadRequest);
        Assert.Contains("'variants[0].weight'", (string?)missing["detail"], StringComparison.Ordinal);
        var type = await PostAsync(_client, "api/v1/experiments", """{"id": "v1", "model": "digits", "variants": [{"name": "a", "version": "1", "weight": "x"}]}""", HttpStatusCode.BadRequest);
        Assert.Contains("variants[0].weight", (string?)type["detail"], StringComparison.Ordinal);
        await PostAsync(_client, "api/v1/experiments", """{"id": "v1", "model": "nope", "variants": [{"name": "a", "version": "1", "weight": 100, "baseline": true}]}""", HttpStatusCode.NotFound);
        await PostAsync(_client, "api/v1/experiments", """{"id": "v1", "model": "digits", "variants": [{"name": "a", "version": "5", "weight": 100, "baseline": true}]}""", HttpStatusCode.NotFound);
        await GetAsync(_client, "api/v1/experiments/unknown-experiment", HttpStatusCode.NotFound);
        await GetAsync(_client, "api/v1/experiments/bad%20id", HttpStatusCode.NotFound);
        var id = await PostAsync(_client, "api/v1/experiments", """{"id": "bad id", "model": "digits", "variants": [{"name": "a", "version": "1", "weight": 100, "baseline": true}]}""", HttpStatusCode.BadRequest);
        Assert.Contains("'id'", (string?)id["detail"], StringComparison.Ordinal);
        await GetAsync(_client, "api/v1/experiments/unknown-experiment/metrics", HttpStatusCode.NotFound);

        await PostAsync(_client, "api/v1/experiments", """{"id": "v1", "model": "digits", "variants": [{"name": "a", "version": "1", "weight": 100, "baseline": true}]}""", HttpStatusCode.Created);
        await PostAsync(_client, "api/v1/experiments", """{"id": "v1", "model": "digits", "variants": [{"name": "a", "version": "1", "weight": 100, "baseline": true}]}""", HttpStatusCode.Conflict);
        var second = await PostAsync(_client, "api/v1/experiments", """{"id": "v2", "model": "digits", "variants": [{"name": "a", "version": "1", "weight": 100, "baseline": true}]}""", HttpStatusCode.Conflict);
        Assert.Contains("already has the active experiment 'v1'", (string?)second["detail"], StringComparison.Ordinal);
        await PostAsync(_client, "api/v1/experiments/v1/ramp", """{"variant": "a", "steps": [5], "step_duration_seconds": 10}""", HttpStatusCode.BadRequest);
        var steps = await PostAsync(_client, "api/v1/experiments/v1/ramp", """{"variant": "zzz", "steps": [5], "step_duration_seconds": 10}""", HttpStatusCode.BadRequest);
        Assert.Contains("'variant'", (string?)steps["detail"], StringComparison.Ordinal);
        await PostAsync(_client, "api/v1/experiments/v1/abort", "{}");
        await PostAsync(_client, "api/v1/experiments/v1/abort", "{}", HttpStatusCode.Conflict);
        var listed = await GetAsync(_client, "api/v1/experiments?model=digits");
        Assert.Contains(listed["experiments"]!.AsArray(), e => (string?)e!["id"] == "v1" && (string?)e["state"] == "aborted");
    }

    private async Task<List<string>> PredictAllAsync(string[] users)
    {
        var bodies = new List<string>();
        foreach (var user in users)
        {
            using var response = await _client.PostAsync("api/v1/predict", Json(PredictBody("bc-shadow", user)));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"user {user}: {(int)response.StatusCode} {text}");
            bodies.Add(Volatile().Replace(text, string.Empty));
        }

        return bodies;
    }

    // prediction_id and latency_ms differ on every response; everything else must be byte-identical.
    [GeneratedRegex("\"prediction_id\":\"[^\"]*\"|\"latency_ms\":[0-9.eE+-]+")]
    private static partial Regex Volatile();
}
