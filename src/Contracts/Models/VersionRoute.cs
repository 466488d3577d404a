using Orleans;
using Orleans.Concurrency;

namespace OrleansInference.Contracts.Models;

/// <summary>The outcome of routing a request: the version to call, or why there is none.</summary>
/// <param name="Version">The version to call; null when <paramref name="Error"/> is set.</param>
/// <param name="Error">Why no version can serve, naming the model and version.</param>
/// <param name="RetryAfter">
/// Set when the version exists but cannot serve now (an operator unloaded it): callers answer "unavailable, retry after"
/// (503) rather than "not found".
/// </param>
/// <param name="Replicas">
/// How many silos serve <paramref name="Version"/> (the deployment's replica count); null: every silo.
/// </param>
[GenerateSerializer]
[Immutable]
[Alias("oi.VersionRoute")]
public sealed record VersionRoute(
    [property: Id(0)] string? Version,
    [property: Id(1)] string? Error = null,
    [property: Id(2)] TimeSpan? RetryAfter = null,
    [property: Id(3)] int? Replicas = null)
{
    /// <summary>True when a version was found.</summary>
    public bool Found => Version is not null;
}
