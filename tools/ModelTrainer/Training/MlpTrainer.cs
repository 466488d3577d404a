namespace OrleansInference.ModelTrainer.Training;

/// <summary>
/// Multi-layer perceptron classifier (ReLU hidden layers, softmax output, cross-entropy loss)
/// trained with mini-batch Adam. Initialization and shuffling use <see cref="DeterministicRandom"/>,
/// and all arithmetic is sequential double precision, so a seed fixes the result bit for bit.
/// </summary>
public static class MlpTrainer
{
    internal const double Beta1 = 0.9;
    internal const double Beta2 = 0.999;
    internal const double Epsilon = 1e-8;

    /// <summary>Trains on standardized <paramref name="rows"/> with labels in <c>0..classCount-1</c>.</summary>
    public static DenseNetwork Train(double[][] rows, int[] labels, int classCount, MlpOptions options)
    {
        var random = new DeterministicRandom(options.Seed);
        var layers = CreateLayers(rows[0].Length, options.HiddenLayers, classCount, random);
        var state = layers.Select(l => new LayerState(l)).ToArray();
        var activations = new double[layers.Length + 1][];
        var deltas = new double[layers.Length][];
        for (var l = 0; l < layers.Length; l++)
        {
            activations[l + 1] = new double[layers[l].Outputs];
            deltas[l] = new double[layers[l].Outputs];
        }

        var order = Enumerable.Range(0, rows.Length).ToArray();
        double beta1Power = 1.0, beta2Power = 1.0;
        for (var epoch = 0; epoch < options.Epochs; epoch++)
        {
            random.Shuffle(order);
            for (var start = 0; start < order.Length; start += options.BatchSize)
            {
                var count = Math.Min(options.BatchSize, order.Length - start);
                foreach (var s in state)
                {
                    s.ClearGradients();
                }

                for (var k = start; k < start + count; k++)
                {
                    Backpropagate(layers, state, activations, deltas, rows[order[k]], labels[order[k]]);
                }

                beta1Power *= Beta1;
                beta2Power *= Beta2;
                var stepSize = options.LearningRate * Math.Sqrt(1.0 - beta2Power) / (1.0 - beta1Power);
                foreach (var s in state)
                {
                    s.AdamStep(count, options.L2, stepSize);
                }
            }
        }

        return new DenseNetwork(layers);
    }

    private static DenseLayer[] CreateLayers(int inputs, IReadOnlyList<int> hidden, int classes, DeterministicRandom random)
    {
        var widths = new List<int> { inputs };
        widths.AddRange(hidden);
        widths.Add(classes);
        var layers = new DenseLayer[widths.Count - 1];
        for (var l = 0; l < layers.Length; l++)
        {
            var fanIn = widths[l];
            var fanOut = widths[l + 1];
            var isOutput = l == layers.Length - 1;

            // He-uniform for ReLU layers, Glorot-uniform for the softmax layer.
            var limit = isOutput ? Math.Sqrt(6.0 / (fanIn + fanOut)) : Math.Sqrt(6.0 / fanIn);
            var weights = new double[fanIn * fanOut];
            for (var i = 0; i < weights.Length; i++)
            {
                weights[i] = random.NextSymmetric(limit);
            }

            layers[l] = new DenseLayer(fanIn, fanOut, weights, new double[fanOut], Relu: !isOutput);
        }

        return layers;
    }

    private static void Backpropagate(
        DenseLayer[] layers, LayerState[] state, double[][] activations, double[][] deltas, double[] row, int label)
    {
        activations[0] = row;
        for (var l = 0; l < layers.Length; l++)
        {
            layers[l].Forward(activations[l], activations[l + 1]);
        }

        var output = deltas[^1];
        DeterministicMath.Softmax(activations[^1], output);
        output[label] -= 1.0;

        for (var l = layers.Length - 1; l >= 0; l--)
        {
            var layer = layers[l];
            var input = activations[l];
            var delta = deltas[l];
            var s = state[l];
            for (var i = 0; i < layer.Inputs; i++)
            {
                var x = input[i];
                if (x == 0.0)
                {
                    continue;
                }

                var gradientRow = s.WeightGradient.AsSpan(i * layer.Outputs, layer.Outputs);
                for (var j = 0; j < layer.Outputs; j++)
                {
                    gradientRow[j] += x * delta[j];
                }
            }

            for (var j = 0; j < layer.Outputs; j++)
            {
                s.BiasGradient[j] += delta[j];
            }

            if (l == 0)
            {
                continue;
            }

            // The previous layer's output went through ReLU: its gradient is zero where it was clipped.
            var previous = deltas[l - 1];
            for (var i = 0; i < layer.Inputs; i++)
            {
                if (input[i] <= 0.0)
                {
                    previous[i] = 0.0;
                    continue;
                }

                var weightRow = layer.Weights.AsSpan(i * layer.Outputs, layer.Outputs);
                var sum = 0.0;
                for (var j = 0; j < layer.Outputs; j++)
                {
                    sum += weightRow[j] * delta[j];
                }

                previous[i] = sum;
            }
        }
    }
}
