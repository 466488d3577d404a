

namespace OrleansInference.Contracts.Inference;

/// <summary>Shape arithmetic shared by every layer that validates tensors.</summary>
public static class ShapeMath
{
    /// <summary>The product of the dimensions; 1 for a scalar. Negative dimensions count as zero elements.</summary>
    public static long ElementCount(ReadOnlySpan<long> shape)
    {
        long count = 1;
        foreach (var dim in shape)
        {
            if (dim < 0)
            {
                return 0;
            }

            count = checked(count * dim);
        }

        return count;
    }

    /// <summary>Formats a shape as <c>[1,30]</c>, with <c>-1</c> shown as <c>N</c> for dynamic dimensions.</summary>
    public static string Format(ReadOnlySpan<long> shape)
    {
        var parts = new string[shape.Length];
        for (var i = 0; i < shape.Length; i++)
        {
            parts[i] = shape[i] < 0 ? "N" : shape[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return "[" + string.Join(",", parts) + "]";
    }
}
