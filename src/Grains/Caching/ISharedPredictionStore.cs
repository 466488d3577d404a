namespace OrleansInference.Grains.Caching;

/// <summary>
/// A result cache shared by every silo (Redis in cluster mode): opaque values under string keys, each with its own expiry.
/// Neither member throws: the request path treats an unreachable or slow store as a miss and serves from the model.
/// </summary>
public interface ISharedPredictionStore
{
    /// <summary>The value stored under <paramref name="key"/>; null when absent, expired, or the store did not answer in time.</summary>
    ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/> for <paramref name="ttl"/>, without waiting for the store.</summary>
    void Set(string key, byte[] value, TimeSpan ttl);
}
