namespace OrleansInference.Grid.Repository;

/// <summary>Stored mean and standard deviation per column.</summary>
public sealed record StandardizeConfig(float[] Mean, float[] Std);
