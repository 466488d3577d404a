namespace OrleansInference.Contracts.Grains;

/// <summary>The identity of one grain: its kind and its key. Written as <c>"type/key"</c>.</summary>
/// <param name="Type">The grain kind, for example <c>"modelversion"</c>.</param>
/// <param name="Key">The grain's key within its kind.</param>
public readonly record struct GrainId(string Type, string Key)
{
    /// <inheritdoc />
    public override string ToString() => $"{Type}/{Key}";
}
