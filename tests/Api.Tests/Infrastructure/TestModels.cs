using System.Globalization;
using System.Text.Json.Nodes;
using OrleansInference.OnnxModel;
using OrleansInference.OnnxModel.Proto;
using DataType = OrleansInference.OnnxModel.Proto.TensorProto.Types.DataType;

namespace OrleansInference.Api.Tests.Infrastructure;

/// <summary>
/// Models the end-to-end tests add to a server's repository: an identity model per v2 datatype (<c>identity-fp32</c>,
/// ...: output <c>y</c> equals input <c>x</c>, shape [N,3]), a doubling model with wide batching
/// (<c>double-fp32</c>) and a deliberately slow model with a one-slot queue (<c>slow</c>).
/// </summary>
public static class TestModels
{
    /// <summary>v2 datatype name to ONNX element type, for every type the server accepts.</summary>
    public static IReadOnlyDictionary<string, DataType> Datatypes { get; } = new Dictionary<string, DataType>
    {
        ["BOOL"] = DataType.Bool,
        ["UINT8"] = DataType.Uint8,
        ["UINT16"] = DataType.Uint16,
        ["UINT32"] = DataType.Uint32,
        ["UINT64"] = DataType.Uint64,
        ["INT8"] = DataType.Int8,
        ["INT16"] = DataType.Int16,
        ["INT32"] = DataType.Int32,
        ["INT64"] = DataType.Int64,
        ["FP16"] = DataType.Float16,
        ["BF16"] = DataType.Bfloat16,
        ["FP32"] = DataType.Float,
        ["FP64"] = DataType.Double,
        ["BYTES"] = DataType.String,
    };

    /// <summary>The model name of the identity model for a v2 datatype.</summary>
    public static string IdentityName(string datatype) => "identity-" + datatype.ToLowerInvariant();

    /// <summary>Writes every test model under <paramref name="modelRoot"/>.</summary>
    public static void WriteAll(string modelRoot)
    {
        foreach (var (name, type) in Datatypes)
        {
            var bytes = new OnnxGraphBuilder("identity")
                .AddInput("x", type, "N", 3L)
                .AddOutput("y", type, "N", 3L)
                .AddNode("Identity", ["x"], ["y"])
                .ToBytes();
            Write(modelRoot, IdentityName(name), "1", bytes, name, 3, batching: null);
        }

        var doubling = new OnnxGraphBuilder("double")
            .AddInput("x", DataType.Float, "N", 3L)
            .AddOutput("y", DataType.Float, "N", 3L)
            .AddNode("Add", ["x", "x"], ["y"])
            .ToBytes();
        Write(modelRoot, "double-fp32", "1", doubling, "FP32", 3, new JsonObject
        {
            ["max_batch_size"] = 64,
            ["max_queue_delay_us"] = 50_000,
            ["max_queue_size"] = 4096,
            ["default_timeout_ms"] = 10_000,
        });

        Write(modelRoot, "slow", "1", SlowModel(), "FP32", 256, new JsonObject
        {
            ["max_batch_size"] = 1,
            ["max_queue_delay_us"] = 0,
            ["max_queue_size"] = 1,
            ["default_timeout_ms"] = 30_000,
        });
    }

    /// <summary>[N,256] through 1,500 chained 256×256 matrix products: milliseconds per row on a CPU.</summary>
    private static byte[] SlowModel()
    {
        const int width = 256;
        var weights = new float[width * width];
        for (var i = 0; i < width; i++)
        {
            weights[(i * width) + i] = 1f;
        }

        var builder = new OnnxGraphBuilder("slow")
            .AddInput("x", DataType.Float, "N", (long)width)
            .AddOutput("y", DataType.Float, "N", (long)width)
            .AddInitializer("w", weights, width, width);
        var previous = "x";
        for (var i = 0; i < 1500; i++)
        {
            var next = i == 1499 ? "y" : "h" + i.ToString(CultureInfo.InvariantCulture);
            builder.AddNode("MatMul", [previous, "w"], [next]);
            previous = next;
        }

        return builder.ToBytes();
    }

    private static void Write(string modelRoot, string name, string version, byte[] model, string datatype, int columns, JsonObject? batching)
    {
        var dir = Path.Combine(modelRoot, name, version);
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, "model.onnx"), model);
        var config = new JsonObject
        {
            ["name"] = name,
            ["version"] = version,
            ["description"] = $"Test model {name}.",
            ["stage"] = "production",
            ["inputs"] = new JsonArray(new JsonObject { ["name"] = "x", ["datatype"] = datatype, ["shape"] = new JsonArray(-1, columns) }),
            ["outputs"] = new JsonArray(new JsonObject { ["name"] = "y", ["datatype"] = datatype, ["shape"] = new JsonArray(-1, columns) }),
        };
        if (batching is not null)
        {
            config["batching"] = batching;
        }

        File.WriteAllText(Path.Combine(dir, "config.json"), config.ToJsonString());
    }
}
