namespace OrleansInference.Api.KServe;

/// <summary>The body of Triton's <c>POST /v2/repository/index</c>.</summary>
/// <param name="Ready">When true, list only models ready for inference.</param>
public sealed record TritonRepositoryIndexRequest(bool? Ready = null);
