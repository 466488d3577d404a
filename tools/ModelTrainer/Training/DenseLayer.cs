namespace OrleansInference.ModelTrainer.Training;

/// <summary>
/// A fully connected layer <c>y = x·W + b</c>, optionally followed by ReLU.
/// </summary>
/// <param name="Inputs">Input width.</param>
/// <param name="Outputs">Output width.</param>
/// <param name="Weights">Row-major <c>[Inputs, Outputs]</c> weights (the ONNX Gemm <c>B</c> operand).</param>
/// <param name="Bias">Bias of length <paramref name="Outputs"/>.</param>
/// <param name="Relu">Whether ReLU follows the affine map.</param>
public sealed record DenseLayer(int Inputs, int Outputs, double[] Weights, double[] Bias, bool Relu)
{
    /// <summary>Computes the layer for one row into <paramref name="output"/>.</summary>
    public void Forward(ReadOnlySpan<double> input, Span<double> output)
    {
        Bias.AsSpan().CopyTo(output);
        for (var i = 0; i < Inputs; i++)
        {
            var x = input[i];
            if (x == 0.0)
            {
                continue;
            }

            var row = Weights.AsSpan(i * Outputs, Outputs);
            for (var j = 0; j < Outputs; j++)
            {
                output[j] += x * row[j];
            }
        }

        if (Relu)
        {
            for (var j = 0; j < Outputs; j++)
            {
                output[j] = Math.Max(output[j], 0.0);
            }
        }
    }

    /// <summary>A copy with weights and bias rounded to float32, as stored in the ONNX file.</summary>
    public DenseLayer RoundToSingle() =>
        this with
        {
            Weights = Weights.Select(w => (double)(float)w).ToArray(),
            Bias = Bias.Select(b => (double)(float)b).ToArray(),
        };
}
