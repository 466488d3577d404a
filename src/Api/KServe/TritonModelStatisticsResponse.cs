namespace OrleansInference.Api.KServe;

/// <summary>Triton's <c>$stats_model_response</c> (<c>GET /v2/models[/{name}[/versions/{version}]]/stats</c>).</summary>
/// <param name="ModelStats">One entry per model version.</param>
public sealed record TritonModelStatisticsResponse(IReadOnlyList<TritonModelStatistics> ModelStats);
