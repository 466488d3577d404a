using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OrleansInference.Api.Tests.Infrastructure;

namespace OrleansInference.Api.Tests.EndToEnd;

/// <summary>Drift reports against the training profile the trainer ships beside each model.</summary>
public sealed class DriftEndToEndTests : IAsyncLifetime
{
    private ApiServer _server = null!;

    public async Task InitializeAsync() => _server = await ApiServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task TrainingLikeTraffic_IsStable_ShiftedTraffic_IsReportedAsDrift()
    {
        var rows = (await File.ReadAllLinesAsync(Path.Combine(RepositoryPaths.Root, "data", "breast_cancer.csv")))
            .Skip(1)
            .Where(l => l.Length > 0)
            .Select(l => l.Split(',').Take(30).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray())
            .ToArray();

        await PredictAsync(rows);
        var stable = await DriftAsync(reset: true);
        Assert.Equal(rows.Length, (long)stable["rows"]!);
        Assert.NotEqual("drift", (string?)stable["status"]);
        Assert.All(stable["features"]!.AsArray(), f => Assert.True((double)f!["psi"]! < 0.25, f.ToJsonString()));

        // Tumours 60% larger than in training: radius, perimeter and area drift; texture does not.
        await PredictAsync(rows.Select(r => r.Select((v, i) => i is 0 or 2 or 3 ? v * 1.6 : v).ToArray()).ToArray());
        var shifted = await DriftAsync(reset: false);
        var features = shifted["features"]!.AsArray().ToDictionary(f => (string)f!["feature"]!, f => f!);
        Assert.Equal("drift", (string?)shifted["status"]);
        Assert.Equal("drift", (string?)features["mean radius"]["status"]);
        Assert.True((double)features["mean area"]["psi"]! > 0.25);
        Assert.True((double)features["mean texture"]["psi"]! < 0.25);
        Assert.NotNull((double?)shifted["prediction_psi"]);
    }

    [Fact]
    public async Task UnknownVersion_Is404()
    {
        using var response = await _server.Client.GetAsync("api/v1/models/breast-cancer/versions/9/drift");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private async Task PredictAsync(double[][] rows)
    {
        var body = new JsonObject { ["model"] = "breast-cancer", ["version"] = "1", ["features"] = new JsonArray(rows.Select(r => (JsonNode)new JsonArray(r.Select(v => (JsonNode)v).ToArray())).ToArray()) };
        using var response = await _server.Client.PostAsync("api/v1/predict", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<JsonNode> DriftAsync(bool reset)
    {
        using var response = reset
            ? await _server.Client.PostAsync("api/v1/models/breast-cancer/versions/1/drift/reset", null)
            : await _server.Client.GetAsync("api/v1/models/breast-cancer/versions/1/drift");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonNode.Parse(text)!;
    }
}
