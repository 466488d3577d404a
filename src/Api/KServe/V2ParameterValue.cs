using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace OrleansInference.Api.KServe;

/// <summary>One value of a v2 <c>$parameters</c> object: a string, a number or a boolean. Allocation-free for numbers and booleans.</summary>
public readonly struct V2ParameterValue
{
    private readonly string? _string;
    private readonly long _bits;

    private V2ParameterValue(V2ParameterKind kind, string? text, long bits)
    {
        Kind = kind;
        _string = text;
        _bits = bits;
    }

    /// <summary>The JSON type of the value.</summary>
    public V2ParameterKind Kind { get; }

    /// <summary>A string value.</summary>
    public static V2ParameterValue FromString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(V2ParameterKind.String, value, 0);
    }

    /// <summary>An integer value.</summary>
    public static V2ParameterValue FromInt64(long value) => new(V2ParameterKind.Integer, null, value);

    /// <summary>A non-integer number.</summary>
    public static V2ParameterValue FromDouble(double value) => new(V2ParameterKind.Number, null, BitConverter.DoubleToInt64Bits(value));

    /// <summary>A boolean value.</summary>
    public static V2ParameterValue FromBoolean(bool value) => new(V2ParameterKind.Boolean, null, value ? 1 : 0);

    /// <summary>The string, when <see cref="Kind"/> is <see cref="V2ParameterKind.String"/>.</summary>
    public bool TryGetString([NotNullWhen(true)] out string? value)
    {
        value = _string;
        return Kind == V2ParameterKind.String;
    }

    /// <summary>The integer, when <see cref="Kind"/> is <see cref="V2ParameterKind.Integer"/>.</summary>
    public bool TryGetInt64(out long value)
    {
        value = Kind == V2ParameterKind.Integer ? _bits : 0;
        return Kind == V2ParameterKind.Integer;
    }

    /// <summary>The number, when <see cref="Kind"/> is <see cref="V2ParameterKind.Integer"/> or <see cref="V2ParameterKind.Number"/>.</summary>
    public bool TryGetDouble(out double value)
    {
        value = Kind switch
        {
            V2ParameterKind.Integer => _bits,
            V2ParameterKind.Number => BitConverter.Int64BitsToDouble(_bits),
            _ => 0,
        };
        return Kind is V2ParameterKind.Integer or V2ParameterKind.Number;
    }

    /// <summary>The boolean, when <see cref="Kind"/> is <see cref="V2ParameterKind.Boolean"/>.</summary>
    public bool TryGetBoolean(out bool value)
    {
        value = Kind == V2ParameterKind.Boolean && _bits != 0;
        return Kind == V2ParameterKind.Boolean;
    }

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        V2ParameterKind.String => _string!,
        V2ParameterKind.Integer => _bits.ToString(CultureInfo.InvariantCulture),
        V2ParameterKind.Number => BitConverter.Int64BitsToDouble(_bits).ToString("R", CultureInfo.InvariantCulture),
        _ => _bits != 0 ? "true" : "false",
    };
}
