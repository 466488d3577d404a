using OrleansInference.Contracts.Inference;

namespace OrleansInference.Grains.Execution;

/// <summary>Checks request tensors against a model's declared inputs and orders them as the model expects.</summary>
public static class InputValidator
{
    /// <summary>
    /// Validates <paramref name="inputs"/>; on success returns null and fills <paramref name="ordered"/> (model order)
    /// and <paramref name="rows"/> (the shared batch dimension, 0 or more; 1 for models without one). On failure returns a
    /// message naming the model, the input, what was expected and what was given.
    /// </summary>
    public static string? Validate(
        string modelKey,
        IReadOnlyList<ModelTensorInfo> expected,
        IReadOnlyList<NamedTensor> inputs,
        out NamedTensor[] ordered,
        out long rows)
    {
        ordered = new NamedTensor[expected.Count];
        rows = -1;
        foreach (var input in inputs)
        {
            var index = IndexOf(expected, input.Name);
            if (index < 0)
            {
                return $"Model '{modelKey}' has no input '{input.Name}'; its inputs are: {Describe(expected)}.";
            }

            if (ordered[index] is not null)
            {
                return $"Input '{input.Name}' is given twice.";
            }

            ordered[index] = input;
        }

        for (var i = 0; i < expected.Count; i++)
        {
            var spec = expected[i];
            var input = ordered[i];
            if (input is null)
            {
                return $"Model '{modelKey}' needs input '{spec.Name}' {spec}; the request does not give it.";
            }

            if (input.DataType != spec.DataType)
            {
                return $"Model '{modelKey}' rejected input '{spec.Name}': expected datatype {spec.DataType.ToV2Name()}, got {input.DataType.ToV2Name()}.";
            }

            if (!ShapeMatches(spec.Shape, input.Shape))
            {
                return $"Model '{modelKey}' rejected input '{spec.Name}': expected shape {ShapeMath.Format(spec.Shape)}, got {ShapeMath.Format(input.Shape)}.";
            }

            var count = ShapeMath.ElementCount(input.Shape);
            var actual = input.DataType == TensorDataType.String ? input.Strings!.Length : input.Data.Length / Math.Max(1, input.DataType.ElementSize());
            if (count != actual)
            {
                return $"Input '{spec.Name}' has shape {ShapeMath.Format(input.Shape)} ({count} elements) but {actual} elements of data.";
            }

            var inputRows = spec.HasBatchDimension ? input.Shape[0] : 1;
            if (rows >= 0 && inputRows != rows && spec.HasBatchDimension)
            {
                return $"Inputs disagree on the batch dimension: '{spec.Name}' has {inputRows} rows, another input has {rows}.";
            }

            if (spec.HasBatchDimension || rows < 0)
            {
                rows = inputRows;
            }
        }

        // A model without inputs runs as one row; a batch dimension of 0 is an empty tensor ONNX Runtime can run.
        if (rows < 0)
        {
            rows = 1;
        }

        return null;
    }

    private static bool ShapeMatches(long[] expected, long[] actual)
    {
        if (expected.Length != actual.Length)
        {
            return false;
        }

        for (var i = 0; i < expected.Length; i++)
        {
            if (actual[i] < 0 || (expected[i] >= 0 && expected[i] != actual[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static int IndexOf(IReadOnlyList<ModelTensorInfo> specs, string name)
    {
        for (var i = 0; i < specs.Count; i++)
        {
            if (specs[i].Name == name)
            {
                return i;
            }
        }

        return -1;
    }

    private static string Describe(IReadOnlyList<ModelTensorInfo> specs) =>
        string.Join(", ", specs.Select(s => $"'{s.Name}' {s}"));
}
