using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansInference.Grains.Caching;
using StackExchange.Redis;

namespace OrleansInference.Silo.Caching;

/// <summary>
/// The shared result cache in Redis: plain string keys under <c>oi:{serviceId}:cache:</c> with Redis expiry. A read
/// waits at most the configured timeout; a failed, slow or not yet connected Redis reads as a miss (the model answers)
/// and writes are fire-and-forget. An outage is logged once when it starts and once when it ends.
/// </summary>
public sealed partial class RedisPredictionStore : ISharedPredictionStore, IHostedService, IAsyncDisposable
{
    private readonly TimeSpan _readTimeout;
    private readonly ILogger<RedisPredictionStore> _logger;
    private readonly Task<ConnectionMultiplexer> _connection;
    private readonly string _endpoint;
    private int _failing;

    /// <param name="configuration">A StackExchange.Redis configuration string.</param>
    /// <param name="serviceId">The service id; every key starts with <c>oi:{serviceId}:cache:</c>.</param>
    /// <param name="readTimeout">How long a read may wait.</param>
    /// <param name="logger">Logs outages.</param>
    public RedisPredictionStore(string configuration, string serviceId, TimeSpan readTimeout, ILogger<RedisPredictionStore> logger)
    {
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ConnectTimeout = 3000;
        options.AsyncTimeout = Math.Max(1000, (int)readTimeout.TotalMilliseconds);
        options.ReconnectRetryPolicy = new LinearRetry(500);
        options.ClientName ??= "orleans-inference-cache";
        _endpoint = options.EndPoints.FirstOrDefault()?.ToString() ?? configuration;
        KeyPrefix = $"oi:{serviceId}:cache:";
        _readTimeout = readTimeout;
        _logger = logger;
        // Connecting starts now and never blocks a request: until it completes, reads are misses.
        _connection = ConnectionMultiplexer.ConnectAsync(options);
    }

    /// <summary>The prefix of every key.</summary>
    public string KeyPrefix { get; }

    /// <inheritdoc />
    public async ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        if (!_connection.IsCompletedSuccessfully)
        {
            return null;
        }

        try
        {
            var value = await _connection.Result.GetDatabase().StringGetAsync(KeyPrefix + key).WaitAsync(_readTimeout, cancellationToken);
            Recovered();
            return value.IsNull ? null : (byte[]?)value;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Failed(ex);
            return null;
        }
    }

    /// <inheritdoc />
    public void Set(string key, byte[] value, TimeSpan ttl) => _ = WriteAsync(KeyPrefix + key, value, ttl);

    /// <inheritdoc />
    /// <remarks>Registered as a hosted service so the host creates it, and it starts connecting, at start-up.</remarks>
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Completes once the first connection attempt did (connected or not); the store never waits for it on a read.</summary>
    public Task ConnectedAsync() => _connection;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await (await _connection).DisposeAsync();
        }
        catch (RedisException)
        {
        }
    }

    /// <summary>Off the request path: waits for the connection if it is still being made, then writes.</summary>
    private async Task WriteAsync(RedisKey key, byte[] value, TimeSpan ttl)
    {
        try
        {
            var connection = await _connection;
            await connection.GetDatabase().StringSetAsync(key, value, ttl);
            Recovered();
        }
        catch (Exception ex)
        {
            Failed(ex);
        }
    }

    private void Failed(Exception exception)
    {
        if (Interlocked.Exchange(ref _failing, 1) == 0)
        {
            Log.Unavailable(_logger, _endpoint, exception.GetType().Name, exception.Message);
        }
    }

    private void Recovered()
    {
        if (Volatile.Read(ref _failing) == 1 && Interlocked.Exchange(ref _failing, 0) == 1)
        {
            Log.Available(_logger, _endpoint);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3110, Level = LogLevel.Warning,
            Message = "The result cache's Redis at {EndPoint} is unavailable ({Error}: {Message}); cached answers are misses and the models answer until it returns.")]
        public static partial void Unavailable(ILogger logger, string endPoint, string error, string message);

        [LoggerMessage(EventId = 3111, Level = LogLevel.Information, Message = "The result cache's Redis at {EndPoint} answers again.")]
        public static partial void Available(ILogger logger, string endPoint);
    }
}
