namespace OrleansInference.ModelTrainer.Training;

/// <summary>
/// Binary logistic regression with an L2 penalty, fitted by full-batch gradient descent on
/// standardized features. Starts from zero weights, so the result depends on the data alone.
/// </summary>
public static class LogisticRegressionTrainer
{
    /// <summary>
    /// Trains on <paramref name="rows"/> (standardized) with labels 0/1 and returns a one-layer
    /// network whose two-way softmax equals the logistic model: logits <c>[0, w·x + b]</c>.
    /// </summary>
    public static DenseNetwork Train(double[][] rows, int[] labels, LogisticRegressionOptions options)
    {
        var width = rows[0].Length;
        var w = new double[width];
        var b = 0.0;
        var gradient = new double[width];
        var n = rows.Length;

        for (var iteration = 0; iteration < options.Iterations; iteration++)
        {
            Array.Clear(gradient);
            var gradientB = 0.0;
            for (var i = 0; i < n; i++)
            {
                var row = rows[i];
                var z = b;
                for (var j = 0; j < width; j++)
                {
                    z += w[j] * row[j];
                }

                var error = Sigmoid(z) - labels[i];
                for (var j = 0; j < width; j++)
                {
                    gradient[j] += error * row[j];
                }

                gradientB += error;
            }

            for (var j = 0; j < width; j++)
            {
                w[j] -= options.LearningRate * ((gradient[j] / n) + (options.L2 * w[j]));
            }

            b -= options.LearningRate * gradientB / n;
        }

        var weights = new double[width * 2];
        for (var j = 0; j < width; j++)
        {
            weights[(j * 2) + 1] = w[j];
        }

        return new DenseNetwork([new DenseLayer(width, 2, weights, [0.0, b], Relu: false)]);
    }

    private static double Sigmoid(double z) =>
        z >= 0 ? 1.0 / (1.0 + DeterministicMath.Exp(-z)) : DeterministicMath.Exp(z) / (1.0 + DeterministicMath.Exp(z));
}
