using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using OrleansInference.OnnxModel;
using OrleansInference.OnnxModel.Proto;

namespace OrleansInference.LoadTool;

/// <summary>
/// The private model repository of a run: a copy of the demo models plus a generated compute-heavier MLP
/// (<c>pixels[N,64] → Gemm(H) → Relu → Gemm(H) → Relu → Gemm(10) → Softmax</c>, fixed pseudo-random weights) under
/// one name per batching setting, <c>wide-b{max_batch_size}</c>, all the same model.onnx.
/// </summary>
internal sealed class BenchRepository
{
    public const int WideColumns = 64;
    public const int WideClasses = 10;

    private BenchRepository(string root, string modelRoot, int hidden)
    {
        Root = root;
        ModelRoot = modelRoot;
        WideHidden = hidden;
    }

    /// <summary>The run's folder: models, registry, server logs.</summary>
    public string Root { get; }

    public string ModelRoot { get; }

    public int WideHidden { get; }

    public string WideModelPath => Path.Combine(ModelRoot, WideName(1), "1", "model.onnx");

    public static string WideName(int maxBatchSize) => $"wide-b{maxBatchSize}";

    public static BenchRepository Create(string repoRoot, int hidden, IEnumerable<int> batchSizes, int maxQueueDelayUs)
    {
        var root = Path.Combine(Path.GetTempPath(), "oi-load-" + Guid.NewGuid().ToString("N")[..12]);
        var modelRoot = Path.Combine(root, "models");
        CopyDirectory(Path.Combine(repoRoot, "models"), modelRoot);
        var model = WideModelBytes(hidden);
        var sha = Convert.ToHexStringLower(SHA256.HashData(model));
        var digits = JsonNode.Parse(File.ReadAllText(Path.Combine(repoRoot, "models", "digits", "1", "config.json")))!.AsObject();
        foreach (var batch in batchSizes.Append(1).Distinct())
        {
            var name = WideName(batch);
            var directory = Path.Combine(modelRoot, name, "1");
            Directory.CreateDirectory(directory);
            File.WriteAllBytes(Path.Combine(directory, "model.onnx"), model);
            var config = digits.DeepClone().AsObject();
            config["name"] = name;
            config["description"] = $"Load-test MLP 64-{hidden}-{hidden}-10 with random weights, max batch size {batch}.";
            config["sha256"] = sha;
            config["batching"] = new JsonObject
            {
                ["max_batch_size"] = batch,
                ["max_queue_delay_us"] = batch == 1 ? 0 : maxQueueDelayUs,
                ["preferred_batch_sizes"] = new JsonArray(),
                ["max_queue_size"] = 8192,
                ["default_timeout_ms"] = 10_000,
            };
            config["metadata"] = new JsonObject { ["algorithm"] = $"mlp-64-{hidden}-{hidden}-10 (random weights)" };
            File.WriteAllText(Path.Combine(directory, "config.json"), config.ToJsonString());
        }

        return new BenchRepository(root, modelRoot, hidden);
    }

    /// <summary>The wide MLP, deterministic for a given width.</summary>
    public static byte[] WideModelBytes(int hidden)
    {
        var random = new Random(7);
        float[] Weights(int count, int fanIn)
        {
            var scale = MathF.Sqrt(2f / fanIn);
            var values = new float[count];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = (float)((random.NextDouble() * 2) - 1) * scale;
            }

            return values;
        }

        return new OnnxGraphBuilder("wide_mlp", opset: 17)
            .AddInput("pixels", TensorProto.Types.DataType.Float, "N", (long)WideColumns)
            .AddOutput("probabilities", TensorProto.Types.DataType.Float, "N", (long)WideClasses)
            .AddInitializer("w1", Weights(WideColumns * hidden, WideColumns), WideColumns, hidden)
            .AddInitializer("b1", new float[hidden], hidden)
            .AddInitializer("w2", Weights(hidden * hidden, hidden), hidden, hidden)
            .AddInitializer("b2", new float[hidden], hidden)
            .AddInitializer("w3", Weights(hidden * WideClasses, hidden), hidden, WideClasses)
            .AddInitializer("b3", new float[WideClasses], WideClasses)
            .AddNode("Gemm", ["pixels", "w1", "b1"], ["h1"])
            .AddNode("Relu", ["h1"], ["a1"])
            .AddNode("Gemm", ["a1", "w2", "b2"], ["h2"])
            .AddNode("Relu", ["h2"], ["a2"])
            .AddNode("Gemm", ["a2", "w3", "b3"], ["logits"])
            .AddNode("Softmax", ["logits"], ["probabilities"], attrs: OnnxAttribute.Int("axis", 1))
            .ToBytes();
    }

    /// <summary>A predict body: one row of raw values as an array.</summary>
    public static byte[] PredictBody(string model, string? version, ReadOnlySpan<float> row)
    {
        var json = new StringBuilder("{\"model\":\"").Append(model).Append('"');
        if (version is not null)
        {
            json.Append(",\"version\":\"").Append(version).Append('"');
        }

        json.Append(",\"features\":[");
        AppendValues(json, row);
        return Encoding.UTF8.GetBytes(json.Append("]}").ToString());
    }

    /// <summary>A KServe v2 JSON body with one FP32 input of shape [rows, columns].</summary>
    public static byte[] V2JsonBody(string input, int rows, int columns, ReadOnlySpan<float> values)
    {
        var json = new StringBuilder("{\"inputs\":[{\"name\":\"").Append(input)
            .Append("\",\"shape\":[").Append(rows).Append(',').Append(columns).Append("],\"datatype\":\"FP32\",\"data\":[");
        AppendValues(json, values);
        return Encoding.UTF8.GetBytes(json.Append("]}]}").ToString());
    }

    /// <summary>A KServe v2 binary-extension body: the JSON header, then the raw little-endian floats; outputs as binary too.</summary>
    public static (byte[] Body, int HeaderLength) V2BinaryBody(string input, string output, int rows, int columns, ReadOnlySpan<float> values)
    {
        var header = Encoding.UTF8.GetBytes(
            $"{{\"inputs\":[{{\"name\":\"{input}\",\"shape\":[{rows},{columns}],\"datatype\":\"FP32\",\"parameters\":{{\"binary_data_size\":{values.Length * sizeof(float)}}}}}]," +
            $"\"outputs\":[{{\"name\":\"{output}\",\"parameters\":{{\"binary_data\":true}}}}]}}");
        var body = new byte[header.Length + (values.Length * sizeof(float))];
        header.CopyTo(body, 0);
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(values).CopyTo(body.AsSpan(header.Length));
        return (body, header.Length);
    }

    /// <summary>Raw rows from a demo model's <c>samples.json</c> (<c>rows</c>), repeated to <paramref name="count"/>.</summary>
    public static float[] SampleRows(string repoRoot, string model, string version, int count)
    {
        var samples = JsonNode.Parse(File.ReadAllText(Path.Combine(repoRoot, "models", model, version, "samples.json")))!["rows"]!.AsArray();
        var columns = samples[0]!.AsArray().Count;
        var values = new float[count * columns];
        for (var r = 0; r < count; r++)
        {
            var row = samples[r % samples.Count]!.AsArray();
            for (var c = 0; c < columns; c++)
            {
                values[(r * columns) + c] = row[c]!.GetValue<float>();
            }
        }

        return values;
    }

    private static void AppendValues(StringBuilder json, ReadOnlySpan<float> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (i > 0)
            {
                json.Append(',');
            }

            json.Append(values[i].ToString("R", CultureInfo.InvariantCulture));
        }
    }

    private static void CopyDirectory(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        foreach (var directory in Directory.GetDirectories(source))
        {
            CopyDirectory(directory, Path.Combine(target, Path.GetFileName(directory)));
        }
    }
}
