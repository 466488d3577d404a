namespace OrleansInference.Api.KServe;

/// <summary>The body of <c>GET /v2/models/{name}[/versions/{version}]/ready</c>.</summary>
/// <param name="Name">The model's name.</param>
/// <param name="Ready">Whether the model is ready for inference.</param>
public sealed record V2ModelReady(string Name, bool Ready);
