namespace OrleansInference.Api.KServe;

/// <summary>The JSON type of a v2 <c>$parameters</c> value.</summary>
public enum V2ParameterKind
{
    /// <summary>A JSON string.</summary>
    String = 0,

    /// <summary>A JSON number written as an integer that fits in 64 bits.</summary>
    Integer = 1,

    /// <summary>Any other JSON number.</summary>
    Number = 2,

    /// <summary>A JSON <c>true</c> or <c>false</c>.</summary>
    Boolean = 3,
}
