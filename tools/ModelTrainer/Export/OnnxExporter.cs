using System.Globalization;
using OrleansInference.ModelTrainer.Catalog;
using OrleansInference.ModelTrainer.Training;
using OrleansInference.OnnxModel;
using OrleansInference.OnnxModel.Proto;

namespace OrleansInference.ModelTrainer.Export;

/// <summary>
/// Writes a <see cref="DenseNetwork"/> as an ONNX graph: <c>Gemm</c> (+ <c>Relu</c>) per layer, then
/// <c>Softmax</c> over axis 1. Input <c>[N, features]</c> float32 (already scaled), output
/// <c>[N, classes]</c> float32 probabilities; weights stored as float32 initializers.
/// </summary>
public static class OnnxExporter
{
    /// <summary>Operator set the exported graphs import.</summary>
    public const int Opset = 17;

    /// <summary>Builds the ONNX model for <paramref name="model"/>.</summary>
    public static OnnxGraphBuilder CreateBuilder(TrainedModel model)
    {
        var spec = model.Spec;
        var network = model.Network;
        var builder = new OnnxGraphBuilder($"{spec.Name}-v{spec.Version}", Opset)
            .WithDocString(spec.Description)
            .AddInput(spec.InputName, TensorProto.Types.DataType.Float, "N", (long)network.InputCount)
            .AddOutput(spec.OutputName, TensorProto.Types.DataType.Float, "N", (long)network.OutputCount);

        var current = spec.InputName;
        for (var l = 0; l < network.Layers.Count; l++)
        {
            var layer = network.Layers[l];
            var prefix = $"fc{l + 1}";
            var isLast = l == network.Layers.Count - 1;
            var gemmOutput = isLast ? "logits" : prefix;
            builder
                .AddInitializer($"{prefix}.weight", ToSingle(layer.Weights), layer.Inputs, layer.Outputs)
                .AddInitializer($"{prefix}.bias", ToSingle(layer.Bias), layer.Outputs)
                .AddNode("Gemm", [current, $"{prefix}.weight", $"{prefix}.bias"], [gemmOutput], $"{prefix}_gemm");
            current = gemmOutput;
            if (layer.Relu)
            {
                builder.AddNode("Relu", [current], [$"{prefix}_relu"], $"{prefix}_relu");
                current = $"{prefix}_relu";
            }
        }

        builder
            .AddNode("Softmax", [current], [spec.OutputName], "softmax", OnnxAttribute.Int("axis", 1))
            .AddMetadata("model_name", spec.Name)
            .AddMetadata("model_version", spec.Version)
            .AddMetadata("algorithm", spec.Algorithm.Name)
            .AddMetadata("labels", string.Join(",", model.Data.ClassNames))
            .AddMetadata("test_accuracy", model.TestMetrics.Accuracy.ToString("0.####", CultureInfo.InvariantCulture));
        return builder;
    }

    /// <summary>The serialized ONNX model for <paramref name="model"/>.</summary>
    public static byte[] Export(TrainedModel model) => CreateBuilder(model).ToBytes();

    private static float[] ToSingle(double[] values) => values.Select(v => (float)v).ToArray();
}
