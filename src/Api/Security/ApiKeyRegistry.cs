using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace OrleansInference.Api.Security;

/// <summary>The configured API keys by the SHA-256 of their secrets, each with its own token bucket.</summary>
internal sealed class ApiKeyRegistry : IDisposable
{
    private readonly Dictionary<string, ApiKey> _byHash = new(StringComparer.OrdinalIgnoreCase);
    private readonly PartitionedRateLimiter<string>? _perClient;

    public ApiKeyRegistry(IOptions<AuthOptions> options)
    {
        var auth = options.Value;
        foreach (var key in auth.Keys)
        {
            _byHash[key.Sha256] = new ApiKey(key.Name, key.Role == "admin", CreateLimiter(key.RequestsPerSecond, key.Burst));
        }

        if (auth.PerClientRequestsPerSecond > 0)
        {
            var rate = auth.PerClientRequestsPerSecond;
            _perClient = PartitionedRateLimiter.Create<string, string>(client => RateLimitPartition.GetTokenBucketLimiter(client, _ => BucketOptions(rate, null)));
        }
    }

    /// <summary>The key whose secret is <paramref name="secret"/>, or null.</summary>
    public ApiKey? Authenticate(ReadOnlySpan<char> secret)
    {
        if (secret.IsEmpty || secret.Length > 512)
        {
            return null;
        }

        Span<byte> utf8 = stackalloc byte[Encoding.UTF8.GetMaxByteCount(secret.Length)];
        var length = Encoding.UTF8.GetBytes(secret, utf8);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8[..length], hash);
        return _byHash.GetValueOrDefault(Convert.ToHexString(hash));
    }

    /// <summary>Takes a token for an anonymous client address; true when no per-client limit is configured.</summary>
    /// <summary>True when anonymous clients are rate limited per address.</summary>
    public bool LimitsClients => _perClient is not null;

    public bool TryAcquireForClient(string client, out TimeSpan retryAfter) => TryAcquire(_perClient?.AttemptAcquire(client), out retryAfter);

    public static bool TryAcquire(RateLimitLease? lease, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (lease is null)
        {
            return true;
        }

        using (lease)
        {
            if (lease.IsAcquired)
            {
                return true;
            }

            retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
            return false;
        }
    }

    public void Dispose()
    {
        foreach (var key in _byHash.Values)
        {
            key.Limiter?.Dispose();
        }

        _perClient?.Dispose();
    }

    private static TokenBucketRateLimiter? CreateLimiter(double rate, int? burst) => rate > 0 ? new TokenBucketRateLimiter(BucketOptions(rate, burst)) : null;

    private static TokenBucketRateLimiterOptions BucketOptions(double rate, int? burst)
    {
        var (period, tokens) = rate >= 10 ? (TimeSpan.FromMilliseconds(100), (int)Math.Round(rate / 10)) : (TimeSpan.FromSeconds(1 / rate), 1);
        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst ?? Math.Max(1, (int)Math.Ceiling(rate)),
            TokensPerPeriod = Math.Max(1, tokens),
            ReplenishmentPeriod = period,
            QueueLimit = 0,
            AutoReplenishment = true,
        };
    }
}
