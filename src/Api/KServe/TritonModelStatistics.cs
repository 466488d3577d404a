namespace OrleansInference.Api.KServe;

/// <summary>Triton's <c>$model_stat</c>: statistics for one model version.</summary>
/// <param name="Name">The model's name.</param>
/// <param name="Version">The model version.</param>
/// <param name="LastInference">When the last inference ran, in milliseconds since the Unix epoch; 0 if never.</param>
/// <param name="InferenceCount">Inferences performed, counting each batch row.</param>
/// <param name="ExecutionCount">Model executions (batches) performed.</param>
/// <param name="InferenceStats">Cumulative request statistics.</param>
/// <param name="BatchStats">Statistics by batch size.</param>
public sealed record TritonModelStatistics(
    string Name,
    string Version,
    long LastInference,
    long InferenceCount,
    long ExecutionCount,
    TritonInferenceStatistics InferenceStats,
    IReadOnlyList<TritonBatchStatistics> BatchStats);
