namespace OrleansInference.Api.Resilience;

/// <summary>
/// What a call through <see cref="VersionCircuitBreakers"/> produced: the grid's result, and the fallback version when
/// it served instead, or whether it is the version's cached answer served while its breaker was open.
/// </summary>
/// <typeparam name="T">The grid's result type.</typeparam>
/// <param name="Result">The result (an Unavailable one with Retry-After when the breaker was open and no fallback answered).</param>
/// <param name="FallbackVersion">The fallback version that answered; null when the requested version did.</param>
/// <param name="CachedFallback">True when the result is the requested version's cached answer, served because its breaker was open.</param>
internal readonly record struct GuardedResult<T>(T Result, string? FallbackVersion, bool CachedFallback = false);
