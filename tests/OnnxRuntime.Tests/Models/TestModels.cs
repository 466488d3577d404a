using OrleansInference.Contracts.Inference;
using OrleansInference.OnnxModel;
using OrleansInference.OnnxModel.Proto;

namespace OrleansInference.OnnxRuntime.Tests.Models;

/// <summary>Single-node and other small ONNX models for tests.</summary>
public static class TestModels
{
    public static TensorProto.Types.DataType ToOnnx(TensorDataType type) => (TensorProto.Types.DataType)(int)type;

    /// <summary>x[2,3] (<paramref name="inputType"/>) → <paramref name="opType"/> → y[2,3] (<paramref name="outputType"/>).</summary>
    public static byte[] Unary(string opType, TensorDataType inputType, TensorDataType outputType, params AttributeProto[] attributes) =>
        new OnnxGraphBuilder(opType.ToLowerInvariant(), opset: 17)
            .AddInput("x", ToOnnx(inputType), 2L, 3L)
            .AddOutput("y", ToOnnx(outputType), 2L, 3L)
            .AddNode(opType, ["x"], ["y"], attrs: attributes)
            .ToBytes();

    /// <summary>a[N,3] + b[N,3] → sum[N,3].</summary>
    public static byte[] Add(TensorDataType type) =>
        new OnnxGraphBuilder("add", opset: 17)
            .AddInput("a", ToOnnx(type), "N", 3L)
            .AddInput("b", ToOnnx(type), "N", 3L)
            .AddOutput("sum", ToOnnx(type), "N", 3L)
            .AddNode("Add", ["a", "b"], ["sum"])
            .ToBytes();

    /// <summary>
    /// x[256,256] through <paramref name="layers"/> MatMuls with the identity matrix: slow enough
    /// (hundreds of milliseconds or more on one thread) to be stopped while running.
    /// </summary>
    public static byte[] SlowChain(int layers, int size = 256)
    {
        var identity = new float[size * size];
        for (var i = 0; i < size; i++)
        {
            identity[(i * size) + i] = 1f;
        }

        var builder = new OnnxGraphBuilder("slow", opset: 17)
            .AddInput("x", TensorProto.Types.DataType.Float, (long)size, (long)size)
            .AddOutput("y", TensorProto.Types.DataType.Float, (long)size, (long)size)
            .AddInitializer("w", identity, size, size);
        var previous = "x";
        for (var i = 0; i < layers; i++)
        {
            var next = i == layers - 1 ? "y" : $"h{i}";
            builder.AddNode("MatMul", [previous, "w"], [next]);
            previous = next;
        }

        return builder.ToBytes();
    }
}
