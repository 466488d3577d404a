using OrleansInference.OnnxModel;
using OrleansInference.OnnxModel.Proto;

namespace OrleansInference.OnnxRuntime.Tests.Models;

/// <summary>
/// A small trained-style classifier, features[N,30] → Gemm(16) → Relu → Gemm(2) → Softmax →
/// probabilities[N,2], with fixed pseudo-random weights, plus a C# reference computation.
/// </summary>
public sealed class MlpModel
{
    public const int Features = 30;
    public const int Hidden = 16;
    public const int Classes = 2;
    public const string InputName = "features";
    public const string OutputName = "probabilities";

    private readonly float[] _w1;
    private readonly float[] _b1;
    private readonly float[] _w2;
    private readonly float[] _b2;

    public MlpModel(int seed = 1234)
    {
        var random = new Random(seed);
        _w1 = Uniform(random, Features * Hidden, 0.4f);
        _b1 = Uniform(random, Hidden, 0.1f);
        _w2 = Uniform(random, Hidden * Classes, 0.6f);
        _b2 = Uniform(random, Classes, 0.1f);
        Bytes = new OnnxGraphBuilder("mlp", opset: 17)
            .AddInput(InputName, TensorProto.Types.DataType.Float, "N", (long)Features)
            .AddOutput(OutputName, TensorProto.Types.DataType.Float, "N", (long)Classes)
            .AddInitializer("w1", _w1, Features, Hidden)
            .AddInitializer("b1", _b1, Hidden)
            .AddInitializer("w2", _w2, Hidden, Classes)
            .AddInitializer("b2", _b2, Classes)
            .AddNode("Gemm", [InputName, "w1", "b1"], ["hidden"])
            .AddNode("Relu", ["hidden"], ["activated"])
            .AddNode("Gemm", ["activated", "w2", "b2"], ["logits"])
            .AddNode("Softmax", ["logits"], [OutputName], attrs: OnnxAttribute.Int("axis", 1))
            .ToBytes();
    }

    /// <summary>The serialized ONNX model.</summary>
    public byte[] Bytes { get; }

    /// <summary>Deterministic feature rows in [-2, 2).</summary>
    public static float[] CreateInput(int rows, int seed)
    {
        var random = new Random(seed);
        return Uniform(random, rows * Features, 2f);
    }

    /// <summary>The model's output computed in double precision.</summary>
    public float[] Reference(ReadOnlySpan<float> features, int rows)
    {
        var output = new float[rows * Classes];
        Span<double> hidden = stackalloc double[Hidden];
        Span<double> logits = stackalloc double[Classes];
        for (var r = 0; r < rows; r++)
        {
            var row = features.Slice(r * Features, Features);
            for (var h = 0; h < Hidden; h++)
            {
                double sum = _b1[h];
                for (var f = 0; f < Features; f++)
                {
                    sum += (double)row[f] * _w1[(f * Hidden) + h];
                }

                hidden[h] = Math.Max(0, sum);
            }

            for (var c = 0; c < Classes; c++)
            {
                double sum = _b2[c];
                for (var h = 0; h < Hidden; h++)
                {
                    sum += hidden[h] * _w2[(h * Classes) + c];
                }

                logits[c] = sum;
            }

            var max = Math.Max(logits[0], logits[1]);
            var e0 = Math.Exp(logits[0] - max);
            var e1 = Math.Exp(logits[1] - max);
            output[(r * Classes) + 0] = (float)(e0 / (e0 + e1));
            output[(r * Classes) + 1] = (float)(e1 / (e0 + e1));
        }

        return output;
    }

    private static float[] Uniform(Random random, int count, float scale)
    {
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = (float)(((random.NextDouble() * 2) - 1) * scale);
        }

        return values;
    }
}
