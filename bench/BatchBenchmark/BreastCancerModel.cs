using System.Text.Json.Nodes;

namespace OrleansInference.BatchBenchmark;

/// <summary>What the benchmark needs of the breast-cancer v2 model: its file, feature names and standardization.</summary>
internal sealed class BreastCancerModel
{
    public const string Name = "breast-cancer";
    public const string Version = "2";

    private BreastCancerModel(string modelPath, string[] featureNames, float[] mean, float[] std)
    {
        ModelPath = modelPath;
        FeatureNames = featureNames;
        Mean = mean;
        Std = std;
    }

    public string ModelPath { get; }

    public IReadOnlyList<string> FeatureNames { get; }

    public int Columns => FeatureNames.Count;

    public float[] Mean { get; }

    public float[] Std { get; }

    public static BreastCancerModel Load(string modelsRoot)
    {
        var folder = Path.Combine(modelsRoot, Name, Version);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "config.json")))!;
        var names = config["feature_names"]!.AsArray().Select(n => (string)n!).ToArray();
        var standardize = config["preprocessing"]!["standardize"]!;
        var mean = standardize["mean"]!.AsArray().Select(v => (float)v!).ToArray();
        var std = standardize["std"]!.AsArray().Select(v => (float)v!).ToArray();
        if (mean.Length != names.Length || std.Length != names.Length)
        {
            throw new InvalidDataException($"Model '{Name}/{Version}': standardize has {mean.Length} means and {std.Length} stds for {names.Length} features.");
        }

        return new BreastCancerModel(Path.Combine(folder, "model.onnx"), names, mean, std);
    }
}
