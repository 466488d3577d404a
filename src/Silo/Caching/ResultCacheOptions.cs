namespace OrleansInference.Silo.Caching;

/// <summary>
/// Where the silo keeps predict results of versions whose config enables caching (section <c>Cache</c>); the TTL and
/// size stay per model (<c>cache.ttl_seconds</c>, <c>cache.max_entries</c> in its config).
/// </summary>
public sealed class ResultCacheOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Cache";

    /// <summary>The in-memory store: each silo caches what it served (the embedded default).</summary>
    public const string MemoryStore = "Memory";

    /// <summary>The Redis store: silos share answers, each silo's memory in front.</summary>
    public const string RedisStore = "Redis";

    /// <summary>
    /// <c>Memory</c> or <c>Redis</c>. Empty (the default): <c>Redis</c> when <c>Orleans:Redis</c> is set (cluster mode),
    /// else <c>Memory</c>.
    /// </summary>
    public string Store { get; set; } = string.Empty;

    /// <summary>
    /// The Redis for shared results: a StackExchange.Redis configuration string. Empty (the default): <c>Orleans:Redis</c>.
    /// </summary>
    public string Redis { get; set; } = string.Empty;

    /// <summary>
    /// How long a request waits for a Redis read, in milliseconds, before it counts as a miss and the model answers.
    /// Range 1–5000, default 100.
    /// </summary>
    public int ReadTimeoutMilliseconds { get; set; } = 100;
}
