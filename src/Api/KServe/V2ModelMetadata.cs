namespace OrleansInference.Api.KServe;

/// <summary>The v2 <c>$metadata_model_response</c> (<c>GET /v2/models/{name}[/versions/{version}]</c>).</summary>
/// <param name="Name">The model's name.</param>
/// <param name="Versions">The model's versions that can be addressed.</param>
/// <param name="Platform">The framework and backend, for example <c>onnxruntime_onnx</c>.</param>
/// <param name="Inputs">The model's inputs.</param>
/// <param name="Outputs">The model's outputs.</param>
public sealed record V2ModelMetadata(
    string Name,
    IReadOnlyList<string> Versions,
    string Platform,
    IReadOnlyList<V2TensorMetadata> Inputs,
    IReadOnlyList<V2TensorMetadata> Outputs);
