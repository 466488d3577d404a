namespace OrleansInference.Grid.Repository;

/// <summary>Result caching for predict requests, per model version and silo; off unless <see cref="TtlSeconds"/> is positive.</summary>
public sealed record CacheConfig
{
    /// <summary>How long a cached prediction is served, in seconds. 0 (default) disables the cache.</summary>
    public double TtlSeconds { get; set; }

    /// <summary>Most requests kept; the least recently used is evicted first. Default 10,000.</summary>
    public int MaxEntries { get; set; } = 10_000;
}
