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

    /// <summary>
    /// Whether a REST predict request on a version whose breaker is open gets the answer that version's result cache
    /// holds for exactly its rows (the version needs <c>cache</c> in its config), marked with header
    /// <c>X-Fallback: cache</c> and <c>fallback: true, cached: true</c> in the body. Tried before
    /// <see cref="FallbackVersion"/>; a request without a cached answer goes to the fallback version, else 503 with
    /// <c>Retry-After</c>. v2 and gRPC inference have no result cache and skip this step. Default false.
    /// </summary>
    public bool FallbackToCachedAnswer { get; set; }
}
