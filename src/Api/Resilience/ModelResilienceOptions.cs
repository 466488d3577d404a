namespace OrleansInference.Api.Resilience;

/// <summary>One model's fallback while one of its versions' circuit breakers is open.</summary>
public sealed class ModelResilienceOptions
{
    /// <summary>
    /// The version of the same model that answers while another version's breaker is open (it must take the same
    /// inputs); its answers are marked <c>fallback: true</c> with header <c>X-Fallback-Version</c>. Empty (default): an
    /// open breaker answers 503 with <c>Retry-After</c>.
    /// </summary>
    public string? FallbackVersion { get; set; }
}
