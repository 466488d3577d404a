using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using OrleansInference.Api.Tests.Infrastructure;

namespace OrleansInference.Api.Tests.Batch;

/// <summary>Batch inputs built from the bundled breast-cancer data set, and the predictions a direct predict call gives for them.</summary>
internal static class BatchTestData
{
    /// <summary>The 30 feature names of the breast-cancer models, in column order.</summary>
    public static IReadOnlyList<string> FeatureNames { get; } = LoadFeatureNames();

    /// <summary>The 569 data rows of <c>data/breast_cancer.csv</c> (30 features then the target), as text.</summary>
    public static IReadOnlyList<string> SourceRows { get; } =
        File.ReadLines(Path.Combine(RepositoryPaths.Root, "data", "breast_cancer.csv")).Skip(1).Where(l => l.Length > 0).ToList();

    /// <summary>Writes a CSV with a feature-name header (plus a non-feature <c>target</c> column) and <paramref name="rows"/> rows cycling through the data set.</summary>
    public static async Task WriteCsvAsync(string path, int rows)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        var header = Encoding.UTF8.GetBytes(string.Join(',', FeatureNames) + ",target\n");
        await stream.WriteAsync(header);
        var block = Encoding.UTF8.GetBytes(string.Join('\n', SourceRows) + "\n");
        var lineEnds = new List<int>();
        for (var i = 0; i < block.Length; i++)
        {
            if (block[i] == (byte)'\n')
            {
                lineEnds.Add(i + 1);
            }
        }

        for (var written = 0; written < rows;)
        {
            var take = Math.Min(SourceRows.Count, rows - written);
            await stream.WriteAsync(block.AsMemory(0, lineEnds[take - 1]));
            written += take;
        }
    }

    /// <summary>The JSON object of named features of source row <paramref name="index"/>.</summary>
    public static JsonObject Record(int index)
    {
        var values = SourceRows[index].Split(',');
        var record = new JsonObject();
        for (var c = 0; c < FeatureNames.Count; c++)
        {
            record[FeatureNames[c]] = float.Parse(values[c], CultureInfo.InvariantCulture);
        }

        return record;
    }

    /// <summary>Predicts every source row through <c>/api/v1/predict</c> (the real-time path), pinned to <paramref name="version"/>.</summary>
    public static async Task<IReadOnlyList<ExpectedPrediction>> PredictDirectlyAsync(HttpClient client, string version)
    {
        var rows = new JsonArray(SourceRows.Select(r => (JsonNode)new JsonArray(r.Split(',').Take(FeatureNames.Count)
            .Select(v => (JsonNode)JsonValue.Create(float.Parse(v, CultureInfo.InvariantCulture))).ToArray())).ToArray());
        var body = new JsonObject { ["model"] = "breast-cancer", ["version"] = version, ["features"] = rows };
        using var response = await client.PostAsJsonAsync("api/v1/predict", body);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.True(response.IsSuccessStatusCode, json.ToJsonString());
        return json["predictions"]!.AsArray()
            .Select(p => new ExpectedPrediction((double)p!["prediction"]!, (string?)p["label"], (float)p["confidence"]!))
            .ToList();
    }

    private static List<string> LoadFeatureNames()
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Models, "breast-cancer", "2", "config.json")))!;
        return config["feature_names"]!.AsArray().Select(n => (string)n!).ToList();
    }
}
