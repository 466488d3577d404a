namespace OrleansInference.Api.KServe;

/// <summary>Conversions between <see cref="float"/> and the bits of a bfloat16 (the float's upper 16 bits).</summary>
internal static class BFloat16Bits
{
    /// <summary>Rounds to nearest, ties to even; NaN stays a (quiet) NaN.</summary>
    public static ushort FromSingle(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            return (ushort)((bits >> 16) | 0x0040);
        }

        var roundingBias = 0x7FFFu + ((bits >> 16) & 1);
        return (ushort)((bits + roundingBias) >> 16);
    }

    /// <summary>Exact: every bfloat16 is a float.</summary>
    public static float ToSingle(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);

    public static bool IsInfinity(ushort bits) => (bits & 0x7FFF) == 0x7F80;
}
