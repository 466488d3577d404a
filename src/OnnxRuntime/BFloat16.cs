using System.Runtime.InteropServices;

namespace OrleansInference.OnnxRuntime;

/// <summary>
/// A bfloat16 value: the upper 16 bits of an IEEE 754 float32. Conversion from float rounds to
/// nearest, ties to even; NaN stays NaN.
/// </summary>
[StructLayout(LayoutKind.Sequential, Size = 2)]
public readonly record struct BFloat16(ushort Bits)
{
    /// <summary>Converts from float32 with round-to-nearest-even.</summary>
    public static BFloat16 FromSingle(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            return new BFloat16((ushort)((bits >> 16) | 0x0040));
        }

        var roundingBias = 0x7FFFu + ((bits >> 16) & 1);
        return new BFloat16((ushort)((bits + roundingBias) >> 16));
    }

    /// <summary>Widens to float32 exactly.</summary>
    public float ToSingle() => BitConverter.UInt32BitsToSingle((uint)Bits << 16);

    public static explicit operator BFloat16(float value) => FromSingle(value);

    public static explicit operator float(BFloat16 value) => value.ToSingle();

    public override string ToString() => ToSingle().ToString(System.Globalization.CultureInfo.InvariantCulture);
}
