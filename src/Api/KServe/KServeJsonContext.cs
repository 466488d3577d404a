using System.Text.Json.Serialization;

namespace OrleansInference.Api.KServe;

/// <summary>
/// Source-generated serialization for the small v2 and Triton metadata, health and statistics bodies: snake_case
/// names, nulls omitted. Inference bodies are read and written by hand (<see cref="V2InferRequestReader"/>,
/// <see cref="V2InferResponseWriter"/>).
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(V2ServerMetadata))]
[JsonSerializable(typeof(V2ModelMetadata))]
[JsonSerializable(typeof(TritonModelConfig))]
[JsonSerializable(typeof(V2ServerLive))]
[JsonSerializable(typeof(V2ServerReady))]
[JsonSerializable(typeof(V2ModelReady))]
[JsonSerializable(typeof(V2ErrorResponse))]
[JsonSerializable(typeof(TritonRepositoryIndexRequest))]
[JsonSerializable(typeof(IReadOnlyList<TritonRepositoryIndexEntry>))]
[JsonSerializable(typeof(TritonModelStatisticsResponse))]
public sealed partial class KServeJsonContext : JsonSerializerContext;
