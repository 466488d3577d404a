using System.Text.Json.Nodes;
using OrleansInference.Api.Tests.Infrastructure;
using OrleansInference.OnnxModel;
using DataType = OrleansInference.OnnxModel.Proto.TensorProto.Types.DataType;

namespace OrleansInference.Api.Tests.Experiments;

/// <summary>
/// Models for the experiment tests: copies of breast-cancer v1 and v2 under other names (one model per test, so
/// tests' experiments never meet), each with a faulty version <c>9</c> whose configuration is the real model's but
/// whose graph passes warm-up (all-zero rows) and fails at run time on every real request.
/// </summary>
internal static class ExperimentTestModels
{
    public const string FaultyVersion = "9";

    public static void WriteAll(string modelRoot)
    {
        foreach (var name in new[] { "bc-ab", "bc-canary", "bc-shadow" })
        {
            foreach (var version in new[] { "1", "2" })
            {
                var target = Path.Combine(modelRoot, name, version);
                RepositoryPaths.CopyDirectory(Path.Combine(modelRoot, "breast-cancer", version), target);
                var config = JsonNode.Parse(File.ReadAllText(Path.Combine(target, "config.json")))!.AsObject();
                config["name"] = name;
                config["stage"] = version == "1" ? "production" : "staging";
                File.WriteAllText(Path.Combine(target, "config.json"), config.ToJsonString());
            }

            WriteFaulty(modelRoot, name);
        }
    }

    public static void WriteFaulty(string modelRoot, string name)
    {
        var source = Path.Combine(modelRoot, "breast-cancer", "1");
        var target = Path.Combine(modelRoot, name, FaultyVersion);
        Directory.CreateDirectory(target);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(source, "config.json")))!.AsObject();
        config["name"] = name;
        config["version"] = FaultyVersion;
        config["stage"] = "staging";
        config["description"] = "Faulty on purpose: fails at run time.";
        config.Remove("sha256");
        config.Remove("warmup_samples");
        File.WriteAllText(Path.Combine(target, "config.json"), config.ToJsonString());
        // width = 30 + 979 · |sign(Σ features)|: all-zero rows (the warm-up) reshape to [-1, 30] and pass; any real,
        // standardized row asks for rows of 1009 values, which a request of fewer than 1009 rows cannot fill.
        var model = new OnnxGraphBuilder("faulty")
            .AddInput("features", DataType.Float, "N", 30L)
            .AddOutput("probabilities", DataType.Float, "N", 2L)
            .AddInitializer("extra", new long[] { 979 })
            .AddInitializer("base", new long[] { 30 })
            .AddInitializer("axis0", new long[] { 0 }, 1)
            .AddInitializer("minus_one", new long[] { -1 }, 1)
            .AddInitializer("row_shape", new long[] { -1, 30 }, 2)
            .AddInitializer("w", new float[60], 30, 2)
            .AddNode("ReduceSum", ["features"], ["sum"], null, OnnxAttribute.Int("keepdims", 0))
            .AddNode("Sign", ["sum"], ["sign"])
            .AddNode("Abs", ["sign"], ["nonzero"])
            .AddNode("Cast", ["nonzero"], ["k"], null, OnnxAttribute.Int("to", (long)DataType.Int64))
            .AddNode("Mul", ["k", "extra"], ["more"])
            .AddNode("Add", ["more", "base"], ["width"])
            .AddNode("Unsqueeze", ["width", "axis0"], ["width1"])
            .AddNode("Concat", ["minus_one", "width1"], ["shape"], null, OnnxAttribute.Int("axis", 0))
            .AddNode("Reshape", ["features", "shape"], ["odd"])
            .AddNode("Reshape", ["odd", "row_shape"], ["rows"])
            .AddNode("MatMul", ["rows", "w"], ["logits"])
            .AddNode("Softmax", ["logits"], ["probabilities"])
            .ToBytes();
        File.WriteAllBytes(Path.Combine(target, "model.onnx"), model);
    }
}
