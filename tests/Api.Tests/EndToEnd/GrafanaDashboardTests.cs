using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OrleansInference.Api.Tests.Infrastructure;

namespace OrleansInference.Api.Tests.EndToEnd;

/// <summary>deploy/grafana/orleans-inference.json queries only metrics that a live server exports.</summary>
public sealed partial class GrafanaDashboardTests
{
    private static readonly HashSet<string> PromQlWords = new(StringComparer.Ordinal)
    {
        "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset",
    };

    [Fact]
    public void Dashboard_IsValidGrafanaJson_WithPrometheusTargets()
    {
        var panels = Dashboard()["panels"]!.AsArray();
        Assert.NotEmpty(Expressions());
        Assert.All(panels.Where(p => (string?)p!["type"] != "row"), p =>
        {
            Assert.False(string.IsNullOrWhiteSpace((string?)p!["title"]));
            Assert.NotEmpty(p["targets"]!.AsArray());
            Assert.NotNull(p["gridPos"]);
        });
        Assert.Equal(panels.Count, panels.Select(p => (int)p!["id"]!).Distinct().Count());
    }

    [Fact]
    public async Task EveryMetricTheDashboardQueries_ExistsInALiveScrape()
    {
        // iris gets a result cache, so cache lookups are exported too.
        await using var server = await ApiServer.StartAsync(root =>
        {
            var path = Path.Combine(root, "iris", "1", "config.json");
            var config = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            config["cache"] = new JsonObject { ["ttl_seconds"] = 60 };
            File.WriteAllText(path, config.ToJsonString());
        });
        for (var i = 0; i < 4; i++)
        {
            // The same features each time: one miss, then hits.
            using var response = await server.Client.PostAsync(
                "api/v1/predict",
                new StringContent("""{"model": "iris", "features": [5.1, 3.5, 1.4, 0.2]}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var scrape = await PrometheusScrape.ReadAsync(server.Client);
        var queried = Expressions().SelectMany(MetricNames).ToHashSet(StringComparer.Ordinal);

        Assert.Contains("oi_inference_requests_total", queried);
        var missing = queried.Where(name => !scrape.Names.Contains(name)).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0, $"The dashboard queries metrics the server does not export: {string.Join(", ", missing)}.\nExported: {string.Join(", ", scrape.Names.Order(StringComparer.Ordinal))}");
    }

    [Fact]
    public void MetricNames_AreReadFromPromQl_NotFromFunctionsLabelsOrRanges()
    {
        var names = MetricNames("""histogram_quantile(0.99, sum by (le, model) (rate(oi_x_bucket{instance=~"$instance",status!="ok"}[$__rate_interval]))) / on (model) sum(oi_y) offset 5m""");
        Assert.Equal(["oi_x_bucket", "oi_y"], names.Order(StringComparer.Ordinal));
    }

    private static JsonObject Dashboard() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "deploy", "grafana", "orleans-inference.json")))!.AsObject();

    private static List<string> Expressions() =>
        Dashboard()["panels"]!.AsArray()
            .SelectMany(p => p!["targets"]?.AsArray() ?? [])
            .Select(t => (string)t!["expr"]!)
            .ToList();

    /// <summary>Metric names in a PromQL expression: identifiers that are not functions, keywords, labels, durations or numbers.</summary>
    private static IEnumerable<string> MetricNames(string expression)
    {
        var stripped = Matchers().Replace(expression, " ");
        stripped = Ranges().Replace(stripped, " ");
        stripped = Grouping().Replace(stripped, " ");
        stripped = Durations().Replace(stripped, " ");
        foreach (Match match in Identifiers().Matches(stripped))
        {
            var name = match.Groups["name"].Value;
            if (!match.Groups["call"].Success && !PromQlWords.Contains(name))
            {
                yield return name;
            }
        }
    }

    [GeneratedRegex("""\{[^}]*\}""")]
    private static partial Regex Matchers();

    [GeneratedRegex("""\[[^\]]*\]""")]
    private static partial Regex Ranges();

    [GeneratedRegex("""\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)""")]
    private static partial Regex Grouping();

    [GeneratedRegex("""\boffset\s+\d+[smhdwy]""")]
    private static partial Regex Durations();

    [GeneratedRegex("""(?<![\w.])(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?<call>\s*\()?""")]
    private static partial Regex Identifiers();
}
