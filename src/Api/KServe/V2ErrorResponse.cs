namespace OrleansInference.Api.KServe;

/// <summary>The v2 error body, for callers that read it; responses are written by <see cref="V2ErrorWriter"/>.</summary>
/// <param name="Error">The error message.</param>
public sealed record V2ErrorResponse(string Error);
