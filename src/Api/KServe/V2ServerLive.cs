namespace OrleansInference.Api.KServe;

/// <summary>The body of <c>GET /v2/health/live</c> (the status code carries the answer; the body mirrors it).</summary>
/// <param name="Live">Whether the server is live.</param>
public sealed record V2ServerLive(bool Live);
