using System.Globalization;
using System.Runtime.CompilerServices;

namespace OrleansInference.Grid.Processing;

/// <summary>
/// Parses UTF-8 text to <see cref="float"/> exactly as <c>float.TryParse(text, NumberStyles.Float, InvariantCulture)</c>
/// does, with a fast path for the plain decimals that fill data files (<c>-12.5</c>, <c>0.0731</c>, <c>1.2e-3</c>): up to
/// 19 significant digits and a power of ten within ±22 are computed exactly in double precision (Clinger's fast path)
/// and rounded once to float; the rare double result that lands exactly on a float rounding midpoint, and everything
/// else (more digits, large exponents, whitespace, NaN, infinities, subnormals), goes to the runtime's parser.
/// The fast path is compiled fully optimized at once, so a batch job's first million rows do not run it in the
/// runtime's lower JIT tiers.
/// </summary>
public static class DecimalFloatParser
{
    private const int MaxSignificantDigits = 19;
    private const int MaxExactPowerOfTen = 22;
    private const ulong MaxExactMantissa = 1UL << 53;

    /// <summary>Low 29 bits of a double's fraction: the bits a float drops. Exactly half of them set is a float midpoint.</summary>
    private const long DroppedBitsMask = (1L << 29) - 1;
    private const long DroppedBitsMidpoint = 1L << 28;

    /// <summary>The smallest positive normal float, 2^-126; below it floats are subnormal and round differently.</summary>
    private const double SmallestNormalFloat = 1.1754943508222875e-38;

    private static readonly double[] PowersOfTen =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    /// <summary>Parses <paramref name="text"/>; false when it is not a number (as <c>float.TryParse</c> would say).</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out float value) =>
        TryParseFast(text, out value) || float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    /// <summary>The fast path alone: true with the exact result, or false when the runtime's parser must decide.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool TryParseFast(ReadOnlySpan<byte> text, out float value)
    {
        value = 0;
        var i = 0;
        var negative = ReadSign(text, ref i);

        ulong mantissa = 0;
        var significant = 0;
        var digits = 0;
        var scale = 0;
        for (; i < text.Length && (uint)(text[i] - '0') <= 9; i++, digits++)
        {
            if (!Accumulate(text[i], ref mantissa, ref significant))
            {
                return false;
            }
        }

        if (i < text.Length && text[i] == (byte)'.')
        {
            for (i++; i < text.Length && (uint)(text[i] - '0') <= 9; i++, digits++)
            {
                if (!Accumulate(text[i], ref mantissa, ref significant))
                {
                    return false;
                }

                scale--;
            }
        }

        if (digits == 0)
        {
            return false;
        }

        if (i < text.Length && (text[i] | 0x20) == (byte)'e')
        {
            i++;
            var exponentNegative = ReadSign(text, ref i);

            var exponent = 0;
            var exponentDigits = 0;
            for (; i < text.Length && (uint)(text[i] - '0') <= 9; i++, exponentDigits++)
            {
                if (exponentDigits == 4)
                {
                    return false;
                }

                exponent = (exponent * 10) + (text[i] - '0');
            }

            if (exponentDigits == 0)
            {
                return false;
            }

            scale += exponentNegative ? -exponent : exponent;
        }

        if (i != text.Length)
        {
            return false;
        }

        if (mantissa == 0)
        {
            value = negative ? -0f : 0f;
            return true;
        }

        if (mantissa > MaxExactMantissa || scale < -MaxExactPowerOfTen || scale > MaxExactPowerOfTen)
        {
            return false;
        }

        // Both operands are exact doubles, so one IEEE multiplication or division rounds the exact decimal correctly.
        var result = scale < 0 ? mantissa / PowersOfTen[-scale] : mantissa * PowersOfTen[scale];
        if (result < SmallestNormalFloat || result > float.MaxValue)
        {
            return false;
        }

        // Rounding the correctly rounded double to float again is exact unless the double sits on a float midpoint.
        if ((BitConverter.DoubleToInt64Bits(result) & DroppedBitsMask) == DroppedBitsMidpoint)
        {
            return false;
        }

        value = (float)(negative ? -result : result);
        return true;
    }

    /// <summary>Steps over an optional sign at <paramref name="i"/>; true when it is a minus.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool ReadSign(ReadOnlySpan<byte> text, ref int i)
    {
        if (i < text.Length && (text[i] == (byte)'-' || text[i] == (byte)'+'))
        {
            return text[i++] == (byte)'-';
        }

        return false;
    }

    /// <summary>Adds one digit; leading zeros are not significant. False past the digits a ulong holds exactly.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Accumulate(byte digit, ref ulong mantissa, ref int significant)
    {
        if (mantissa == 0 && digit == (byte)'0')
        {
            return true;
        }

        if (++significant > MaxSignificantDigits)
        {
            return false;
        }

        mantissa = (mantissa * 10) + (uint)(digit - '0');
        return true;
    }
}
