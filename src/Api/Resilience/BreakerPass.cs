using OrleansInference.Contracts.Inference;
using Polly;

namespace OrleansInference.Api.Resilience;

/// <summary>
/// A call admitted by <see cref="VersionCircuitBreakers.TryPass"/> while its version's breaker is closed: the caller
/// calls the grid itself and reports the outcome here, once. Default (breakers disabled): reporting does nothing.
/// </summary>
internal readonly struct BreakerPass
{
    private readonly VersionBreaker? _breaker;

    internal BreakerPass(VersionBreaker breaker) => _breaker = breaker;

    /// <summary>Reports the grid's answer; its status decides whether it counts as a failure of the version.</summary>
    public void Completed(InferenceStatus status, CancellationToken cancellationToken) =>
        _breaker?.Record(Outcome.FromResult(new VersionCircuitBreakers.GridAnswer(status, null)), cancellationToken);

    /// <summary>Reports that the grid call threw (a client abort, per the token, does not count against the version).</summary>
    public void Failed(Exception exception, CancellationToken cancellationToken) =>
        _breaker?.Record(Outcome.FromException<VersionCircuitBreakers.GridAnswer>(exception), cancellationToken);
}
