namespace OrleansInference.Api.KServe;

/// <summary>
/// Triton's model configuration (<c>GET /v2/models/{name}[/versions/{version}]/config</c>, gRPC <c>ModelConfig</c>),
/// the fields that describe the model's tensors: with <paramref name="MaxBatchSize"/> above 0 the first (batch)
/// dimension of every tensor is implied and left out of <c>dims</c>, as Triton does.
/// </summary>
/// <param name="Name">The model's name.</param>
/// <param name="Platform">Always <c>onnxruntime_onnx</c>.</param>
/// <param name="Backend">Always <c>onnxruntime</c>.</param>
/// <param name="MaxBatchSize">The largest batch the dynamic batcher forms; 0 when the model has no batch dimension.</param>
/// <param name="Input">The model's inputs.</param>
/// <param name="Output">The model's outputs.</param>
public sealed record TritonModelConfig(
    string Name,
    string Platform,
    string Backend,
    int MaxBatchSize,
    IReadOnlyList<TritonModelConfigTensor> Input,
    IReadOnlyList<TritonModelConfigTensor> Output);
