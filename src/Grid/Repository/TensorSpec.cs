namespace OrleansInference.Grid.Repository;

/// <summary>A named tensor in a model's schema. <c>-1</c> marks a dynamic dimension.</summary>
public sealed record TensorSpec(string Name, string Datatype, long[] Shape);
