namespace OrleansInference.ModelTrainer.Training;

/// <summary>Gradient accumulators and Adam moments for one <see cref="DenseLayer"/>; updates the layer's arrays in place.</summary>
internal sealed class LayerState(DenseLayer layer)
{
    private readonly double[] _weightM = new double[layer.Weights.Length];
    private readonly double[] _weightV = new double[layer.Weights.Length];
    private readonly double[] _biasM = new double[layer.Bias.Length];
    private readonly double[] _biasV = new double[layer.Bias.Length];

    public double[] WeightGradient { get; } = new double[layer.Weights.Length];

    public double[] BiasGradient { get; } = new double[layer.Bias.Length];

    public void ClearGradients()
    {
        Array.Clear(WeightGradient);
        Array.Clear(BiasGradient);
    }

    /// <summary>One Adam update (bias correction folded into <paramref name="stepSize"/>) from gradients summed over <paramref name="batchCount"/> rows.</summary>
    public void AdamStep(int batchCount, double l2, double stepSize)
    {
        Update(layer.Weights, WeightGradient, _weightM, _weightV, batchCount, l2, stepSize);
        Update(layer.Bias, BiasGradient, _biasM, _biasV, batchCount, 0.0, stepSize);
    }

    private static void Update(double[] parameters, double[] gradients, double[] m, double[] v, int batchCount, double l2, double stepSize)
    {
        for (var i = 0; i < parameters.Length; i++)
        {
            var g = (gradients[i] / batchCount) + (l2 * parameters[i]);
            m[i] = (MlpTrainer.Beta1 * m[i]) + ((1.0 - MlpTrainer.Beta1) * g);
            v[i] = (MlpTrainer.Beta2 * v[i]) + ((1.0 - MlpTrainer.Beta2) * g * g);
            parameters[i] -= stepSize * m[i] / (Math.Sqrt(v[i]) + MlpTrainer.Epsilon);
        }
    }
}
