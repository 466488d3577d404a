namespace OrleansInference.Api.KServe;

/// <summary>One input or output in <see cref="TritonModelConfig"/>.</summary>
/// <param name="Name">The tensor's name.</param>
/// <param name="DataType">Triton's type name, for example <c>TYPE_FP32</c> (v2 <c>BYTES</c> is <c>TYPE_STRING</c>).</param>
/// <param name="Dims">The shape without the batch dimension when the model batches; <c>-1</c> marks a variable size.</param>
public sealed record TritonModelConfigTensor(string Name, string DataType, IReadOnlyList<long> Dims);
