namespace OrleansInference.OnnxRuntime;

public sealed partial class InferenceSession
{
    /// <summary>Checks count, element type and shape of every input against the model's metadata; no allocation unless it throws.</summary>
    private void ValidateInputs(ReadOnlySpan<OrtValue> inputs)
    {
        if (inputs.Length != _inputs.Length)
        {
            throw new ArgumentException(
                $"The model takes {_inputs.Length} inputs {JoinNames(_inputs)}; got {inputs.Length}.", nameof(inputs));
        }

        for (var i = 0; i < inputs.Length; i++)
        {
            var value = inputs[i];
            var expected = _inputs[i];
            if (value is null)
            {
                throw new ArgumentNullException(nameof(inputs), $"Input '{expected.Name}' is null.");
            }

            if (expected.ElementType == TensorElementType.Undefined)
            {
                continue;
            }

            if (value.ElementType != expected.ElementType)
            {
                throw new ArgumentException(
                    $"Input '{expected.Name}' expects element type {expected.ElementType.ToDisplayName()} with shape {expected.FormatShape()}; got {value.ElementType.ToDisplayName()}.",
                    nameof(inputs));
            }

            if (!expected.Accepts(value.Shape))
            {
                throw new ArgumentException(
                    $"Input '{expected.Name}' expects shape {expected.FormatShape()} ({expected.ElementType.ToDisplayName()}); got {TensorMetadata.FormatShape(value.Shape)}.",
                    nameof(inputs));
            }
        }
    }
}
