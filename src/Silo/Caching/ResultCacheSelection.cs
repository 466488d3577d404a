namespace OrleansInference.Silo.Caching;

/// <summary>The result cache store a silo uses, decided from <see cref="ResultCacheOptions"/> and <c>Orleans:Redis</c> at composition.</summary>
/// <param name="Redis">The Redis configuration string of the shared store; null for the in-memory store.</param>
/// <param name="ReadTimeout">How long a request waits for a Redis read.</param>
internal sealed record ResultCacheSelection(string? Redis, TimeSpan ReadTimeout)
{
    /// <summary>Validates <paramref name="options"/>; throws with a message naming the key and what it expects.</summary>
    public static ResultCacheSelection Resolve(ResultCacheOptions options, string clusterRedis)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string section = ResultCacheOptions.SectionName;
        if (options.ReadTimeoutMilliseconds is < 1 or > 5000)
        {
            throw new InvalidOperationException(
                $"Invalid result cache configuration. {section}:ReadTimeoutMilliseconds is {options.ReadTimeoutMilliseconds}; it must be between 1 and 5000.");
        }

        var redis = string.IsNullOrWhiteSpace(options.Redis) ? clusterRedis : options.Redis;
        var store = string.IsNullOrWhiteSpace(options.Store)
            ? string.IsNullOrWhiteSpace(clusterRedis) ? ResultCacheOptions.MemoryStore : ResultCacheOptions.RedisStore
            : options.Store.Trim();
        if (string.Equals(store, ResultCacheOptions.MemoryStore, StringComparison.OrdinalIgnoreCase))
        {
            return new ResultCacheSelection(null, TimeSpan.FromMilliseconds(options.ReadTimeoutMilliseconds));
        }

        if (!string.Equals(store, ResultCacheOptions.RedisStore, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"Invalid result cache configuration. {section}:Store is '{options.Store}'; expected '{ResultCacheOptions.MemoryStore}' or '{ResultCacheOptions.RedisStore}' (empty: Redis when Orleans:Redis is set).");
        }

        if (string.IsNullOrWhiteSpace(redis))
        {
            throw new InvalidOperationException(
                $"Invalid result cache configuration. {section}:Store is 'Redis' but neither {section}:Redis nor Orleans:Redis names a Redis server (for example 127.0.0.1:6379).");
        }

        try
        {
            StackExchange.Redis.ConfigurationOptions.Parse(redis);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidOperationException($"Invalid result cache configuration. {section}:Redis '{redis}' is not a Redis configuration string: {ex.Message}", ex);
        }

        return new ResultCacheSelection(redis, TimeSpan.FromMilliseconds(options.ReadTimeoutMilliseconds));
    }
}
