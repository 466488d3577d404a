namespace OrleansInference.Grid.Repository;

/// <summary>Raw feature transformations, applied in this order: defaults, one-hot, standardize.</summary>
public sealed record PreprocessingConfig
{
    /// <summary>Per-column <c>(x - mean) / std</c> over the first input's columns.</summary>
    public StandardizeConfig? Standardize { get; init; }

    /// <summary>Values for named features a request leaves out; a feature with no default is required.</summary>
    public IReadOnlyDictionary<string, float>? Defaults { get; init; }

    /// <summary>Categorical features expanded to one column per vocabulary entry, named <c>{feature}={value}</c>.</summary>
    public IReadOnlyDictionary<string, string[]>? OneHot { get; init; }
}
