namespace OrleansInference.Api.Resilience;

/// <summary>
/// The circuit breaker around each model version's inference calls at the API edge, and each model's fallback
/// (configuration section <c>Resilience</c>, validated at start-up).
/// </summary>
public sealed class ResilienceOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Resilience";

    /// <summary>Whether every version's calls go through its circuit breaker. Default true.</summary>
    public bool CircuitBreakerEnabled { get; set; } = true;

    /// <summary>
    /// The share of failed calls within <see cref="SamplingDuration"/> that opens a version's breaker, above 0 and at
    /// most 1; default 0.5. Failures are model failures, timeouts (deadline or grid call) and a version that is not
    /// serving; client errors (bad input, 4xx), a full queue (429) and client aborts are not.
    /// </summary>
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>Calls within <see cref="SamplingDuration"/> before the ratio counts, 2 to 100,000; default 20.</summary>
    public int MinimumThroughput { get; set; } = 20;

    /// <summary>The window the failure ratio is measured over, 500 ms to 1 hour; default 30 seconds.</summary>
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long an open breaker refuses the version's calls before one trial call (half-open) decides whether it
    /// closes, 500 ms to 1 hour; default 15 seconds.
    /// </summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Per model, by name (<c>Resilience:Models:{model}</c>): what serves while a version's breaker is open.</summary>
    public IDictionary<string, ModelResilienceOptions> Models { get; } = new Dictionary<string, ModelResilienceOptions>(StringComparer.Ordinal);
}
