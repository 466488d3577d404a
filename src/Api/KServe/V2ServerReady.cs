namespace OrleansInference.Api.KServe;

/// <summary>The body of <c>GET /v2/health/ready</c> (the status code carries the answer; the body mirrors it).</summary>
/// <param name="Ready">Whether the server is ready for inference.</param>
public sealed record V2ServerReady(bool Ready);
