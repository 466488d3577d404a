namespace OrleansInference.OnnxRuntime;

/// <summary>
/// A model input or output: name, element type and shape. Dynamic dimensions are <c>-1</c> in
/// <see cref="Shape"/>; <see cref="SymbolicDims"/> holds their names (<c>"N"</c>) or <c>""</c> where
/// the model gives none, and <c>""</c> for fixed dimensions. Non-tensor values (sequences, maps)
/// have <see cref="TensorElementType.Undefined"/> and an empty shape.
/// </summary>
public sealed record TensorMetadata(string Name, TensorElementType ElementType, long[] Shape, string[] SymbolicDims)
{
    /// <summary>The shape as written in messages, for example <c>[N,30]</c>; unnamed dynamic dimensions show as <c>?</c>.</summary>
    public string FormatShape()
    {
        var parts = new string[Shape.Length];
        for (var i = 0; i < Shape.Length; i++)
        {
            parts[i] = Shape[i] >= 0
                ? Shape[i].ToString(System.Globalization.CultureInfo.InvariantCulture)
                : string.IsNullOrEmpty(SymbolicDims[i]) ? "?" : SymbolicDims[i];
        }

        return "[" + string.Join(",", parts) + "]";
    }

    /// <summary>Whether a concrete <paramref name="shape"/> fits: same rank, fixed dimensions equal.</summary>
    public bool Accepts(ReadOnlySpan<long> shape)
    {
        if (shape.Length != Shape.Length)
        {
            return false;
        }

        for (var i = 0; i < shape.Length; i++)
        {
            if (Shape[i] >= 0 && Shape[i] != shape[i])
            {
                return false;
            }
        }

        return true;
    }

    internal static string FormatShape(ReadOnlySpan<long> shape)
    {
        var parts = new string[shape.Length];
        for (var i = 0; i < shape.Length; i++)
        {
            parts[i] = shape[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return "[" + string.Join(",", parts) + "]";
    }
}
