using Polly;
using Polly.CircuitBreaker;

namespace OrleansInference.Api.Resilience;

/// <summary>One model version's circuit breaker: its pipeline, and the provider that tells its state without a call.</summary>
internal sealed class VersionBreaker(ResiliencePipeline<VersionCircuitBreakers.GridAnswer> pipeline, CircuitBreakerStateProvider state)
{
    /// <summary>The pipeline holding the breaker.</summary>
    public ResiliencePipeline<VersionCircuitBreakers.GridAnswer> Pipeline { get; } = pipeline;

    /// <summary>The breaker's state (closed, open, half-open, isolated).</summary>
    public CircuitBreakerStateProvider State { get; } = state;

    /// <summary>
    /// Records the outcome of a call made while the breaker was closed, as if the pipeline had run it: the pipeline runs
    /// a callback that returns the outcome at once, so the breaker counts it (and opens on it) synchronously. A breaker
    /// that opened meanwhile refuses the record; the call has happened, and its answer stands.
    /// </summary>
    public void Record(Outcome<VersionCircuitBreakers.GridAnswer> outcome, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        var recorded = Pipeline.ExecuteOutcomeAsync(static (_, outcome) => new ValueTask<Outcome<VersionCircuitBreakers.GridAnswer>>(outcome), context, outcome);
        if (recorded.IsCompleted)
        {
            _ = recorded.Result;
            ResilienceContextPool.Shared.Return(context);
            return;
        }

        _ = ReturnWhenRecordedAsync(recorded, context);
    }

    // The breaker's own callbacks complete synchronously; this is for one that ever does not.
    private static async Task ReturnWhenRecordedAsync(ValueTask<Outcome<VersionCircuitBreakers.GridAnswer>> recorded, ResilienceContext context)
    {
        try
        {
            await recorded;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }
}
