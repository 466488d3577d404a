namespace OrleansInference.Grid.Repository;

/// <summary>Raw feature transformations, applied in this order: defaults, standardize.</summary>
public sealed record PreprocessingConfig
{
    /// <summary>Per-column <c>(x - mean) / std</c> over the first input's columns.</summary>
    public StandardizeConfig? Standardize { get; init; }

    /// <summary>Values for named features a request leaves out; a feature with no default is required.</summary>
    public IReadOnlyDictionary<string, float>? Defaults { get; init; }

    /// <summary>
    /// Read only so that a config naming <c>one_hot</c> is refused at registration with a clear error
    /// (<see cref="ModelConfigValidator"/>) rather than silently ignored: the server does not expand categorical features.
    /// </summary>
    public IReadOnlyDictionary<string, string[]>? OneHot { get; init; }
}
