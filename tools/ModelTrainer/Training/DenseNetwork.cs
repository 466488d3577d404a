namespace OrleansInference.ModelTrainer.Training;

/// <summary>
/// A stack of dense layers with a softmax over the last layer's outputs: the shape of every
/// demo model (logistic regression is one layer, an MLP several).
/// </summary>
public sealed record DenseNetwork(IReadOnlyList<DenseLayer> Layers)
{
    /// <summary>Input width.</summary>
    public int InputCount => Layers[0].Inputs;

    /// <summary>Number of classes.</summary>
    public int OutputCount => Layers[^1].Outputs;

    /// <summary>Class probabilities for one (already scaled) row.</summary>
    public double[] PredictProbabilities(ReadOnlySpan<double> input)
    {
        var current = input.ToArray();
        foreach (var layer in Layers)
        {
            var next = new double[layer.Outputs];
            layer.Forward(current, next);
            current = next;
        }

        var probabilities = new double[current.Length];
        DeterministicMath.Softmax(current, probabilities);
        return probabilities;
    }

    /// <summary>The most probable class for one (already scaled) row.</summary>
    public int PredictClass(ReadOnlySpan<double> input)
    {
        var probabilities = PredictProbabilities(input);
        var best = 0;
        for (var c = 1; c < probabilities.Length; c++)
        {
            if (probabilities[c] > probabilities[best])
            {
                best = c;
            }
        }

        return best;
    }

    /// <summary>
    /// The reference forward pass of the exported model: float32 weights, input rounded to float32,
    /// probabilities rounded to float32.
    /// </summary>
    public float[] PredictSingle(ReadOnlySpan<double> scaledInput)
    {
        var rounded = new DenseNetwork(Layers.Select(l => l.RoundToSingle()).ToArray());
        var input = new double[scaledInput.Length];
        for (var i = 0; i < input.Length; i++)
        {
            input[i] = (float)scaledInput[i];
        }

        return rounded.PredictProbabilities(input).Select(p => (float)p).ToArray();
    }

    /// <summary>Whether both networks have exactly the same parameters (bit for bit).</summary>
    public bool HasSameParameters(DenseNetwork other) =>
        Layers.Count == other.Layers.Count
        && Layers.Zip(other.Layers).All(pair =>
            pair.First.Weights.AsSpan().SequenceEqual(pair.Second.Weights)
            && pair.First.Bias.AsSpan().SequenceEqual(pair.Second.Bias)
            && pair.First.Relu == pair.Second.Relu);
}
