namespace OrleansInference.Api.KServe;

/// <summary>The v2 <c>$metadata_tensor</c>: one input or output of a model.</summary>
/// <param name="Name">The tensor's name.</param>
/// <param name="Datatype">The v2 datatype name, for example <c>FP32</c>.</param>
/// <param name="Shape">The shape; <c>-1</c> marks a dimension of variable size.</param>
public sealed record V2TensorMetadata(string Name, string Datatype, IReadOnlyList<long> Shape);
