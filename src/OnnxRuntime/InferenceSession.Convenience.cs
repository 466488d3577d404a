namespace OrleansInference.OnnxRuntime;

public sealed partial class InferenceSession
{
    /// <summary>
    /// Runs the model with inputs by name and returns every output (model order). Allocates per
    /// call; for the hot path use <see cref="Run(ReadOnlySpan{OrtValue}, Span{OrtValue?}, RunOptions?)"/>.
    /// </summary>
    /// <exception cref="ArgumentException">An input name is unknown or missing, or a value has the wrong type or shape.</exception>
    public OrtValueCollection Run(IReadOnlyDictionary<string, OrtValue> inputs, RunOptions? runOptions = null) =>
        Run(inputs, _outputNames, runOptions);

    /// <summary>Runs the model with inputs by name and returns the outputs named in <paramref name="outputNames"/>.</summary>
    public OrtValueCollection Run(IReadOnlyDictionary<string, OrtValue> inputs, IReadOnlyList<string> outputNames, RunOptions? runOptions = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputNames);
        foreach (var name in inputs.Keys)
        {
            if (!_inputIndex.ContainsKey(name))
            {
                throw new ArgumentException($"Model input '{name}' not found; the model's inputs are: {JoinNames(_inputs)}.", nameof(inputs));
            }
        }

        var ordered = new OrtValue[_inputs.Length];
        for (var i = 0; i < _inputs.Length; i++)
        {
            if (!inputs.TryGetValue(_inputs[i].Name, out var value))
            {
                throw new ArgumentException(
                    $"Model input '{_inputs[i].Name}' was not provided; the model's inputs are: {JoinNames(_inputs)}.", nameof(inputs));
            }

            ordered[i] = value;
        }

        var indices = new int[outputNames.Count];
        var names = new string[outputNames.Count];
        for (var i = 0; i < indices.Length; i++)
        {
            names[i] = outputNames[i];
            if (!_outputIndex.TryGetValue(names[i], out indices[i]))
            {
                throw new ArgumentException(
                    $"Model output '{names[i]}' not found; the model's outputs are: {JoinNames(_outputs)}.", nameof(outputNames));
            }
        }

        var outputs = new OrtValue?[indices.Length];
        Run(ordered, indices, outputs, runOptions);
        return new OrtValueCollection(names, outputs!);
    }
}
