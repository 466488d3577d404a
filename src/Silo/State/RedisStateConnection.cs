using Microsoft.Extensions.Logging;
using OrleansInference.Contracts.Models;
using StackExchange.Redis;

namespace OrleansInference.Silo.State;

/// <summary>
/// The connection the durable stores share in cluster mode, and the one place Redis failures become
/// <see cref="StateStoreUnavailableException"/>. The silo starts while Redis is down and reconnects by itself; a call
/// made while it is disconnected fails at once (no backlog) and one that gets no answer fails after
/// <see cref="CallTimeout"/>, so no caller hangs on an outage.
/// </summary>
public sealed partial class RedisStateConnection : IAsyncDisposable
{
    /// <summary>How long one store call may wait for Redis.</summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(3);

    private readonly ConfigurationOptions _options;
    private readonly ILogger<RedisStateConnection> _logger;
    private readonly SemaphoreSlim _connectGate = new(1, 1);
    private ConnectionMultiplexer? _multiplexer;

    /// <param name="configuration">A StackExchange.Redis configuration string (<c>Orleans:Redis</c>).</param>
    /// <param name="serviceId">The service id; every key starts with <c>oi:{serviceId}:</c>.</param>
    /// <param name="logger">Logs lost and restored connections.</param>
    public RedisStateConnection(string configuration, string serviceId, ILogger<RedisStateConnection> logger)
    {
        _options = ConfigurationOptions.Parse(configuration);
        _options.AbortOnConnectFail = false;
        _options.BacklogPolicy = BacklogPolicy.FailFast;
        _options.ConnectTimeout = (int)CallTimeout.TotalMilliseconds;
        _options.AsyncTimeout = (int)CallTimeout.TotalMilliseconds;
        _options.SyncTimeout = (int)CallTimeout.TotalMilliseconds;
        _options.ReconnectRetryPolicy = new LinearRetry(500);
        _options.ClientName ??= "orleans-inference-state";
        KeyPrefix = $"oi:{serviceId}:";
        _logger = logger;
    }

    /// <summary>The prefix of every key the stores write.</summary>
    public string KeyPrefix { get; }

    /// <summary>A key under <see cref="KeyPrefix"/>.</summary>
    public RedisKey Key(string name) => KeyPrefix + name;

    /// <summary>
    /// Runs <paramref name="call"/> on the database; a Redis failure (unreachable, timed out, still loading its data)
    /// becomes <see cref="StateStoreUnavailableException"/>.
    /// </summary>
    public async Task<T> RunAsync<T>(Func<IDatabase, Task<T>> call, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var multiplexer = await ConnectAsync(cancellationToken);
            return await call(multiplexer.GetDatabase()).WaitAsync(CallTimeout, cancellationToken);
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            // No inner exception: this one crosses grain calls, and the client library's exceptions do not serialize.
            throw new StateStoreUnavailableException($"The grid's state store (Redis at {_options.EndPoints.FirstOrDefault()}) is unavailable: {ex.Message} Retry shortly.");
        }
    }

    /// <summary>Runs <paramref name="call"/> as <see cref="RunAsync{T}"/> does, for calls without a result.</summary>
    public Task RunAsync(Func<IDatabase, Task> call, CancellationToken cancellationToken) =>
        RunAsync(async db =>
        {
            await call(db);
            return true;
        }, cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_multiplexer is not null)
        {
            await _multiplexer.DisposeAsync();
        }

        _connectGate.Dispose();
    }

    private static bool IsUnavailable(Exception exception) => exception switch
    {
        RedisConnectionException or RedisTimeoutException or TimeoutException or ObjectDisposedException => true,
        RedisServerException server => server.Message.StartsWith("LOADING", StringComparison.Ordinal)
            || server.Message.StartsWith("MASTERDOWN", StringComparison.Ordinal)
            || server.Message.StartsWith("READONLY", StringComparison.Ordinal),
        _ => false,
    };

    private async ValueTask<ConnectionMultiplexer> ConnectAsync(CancellationToken cancellationToken)
    {
        if (_multiplexer is { } connected)
        {
            return connected;
        }

        await _connectGate.WaitAsync(cancellationToken);
        try
        {
            if (_multiplexer is null)
            {
                // With AbortOnConnectFail off this returns even while Redis is down, and the multiplexer keeps reconnecting.
                var multiplexer = await ConnectionMultiplexer.ConnectAsync(_options).WaitAsync(cancellationToken);
                multiplexer.ConnectionFailed += (_, e) => Log.ConnectionLost(_logger, e.EndPoint, e.FailureType);
                multiplexer.ConnectionRestored += (_, e) => Log.ConnectionRestored(_logger, e.EndPoint);
                _multiplexer = multiplexer;
            }

            return _multiplexer;
        }
        finally
        {
            _connectGate.Release();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3100, Level = LogLevel.Warning, Message = "Lost the state store's Redis at {EndPoint} ({Failure}); state changes answer 503 until it returns.")]
        public static partial void ConnectionLost(ILogger logger, System.Net.EndPoint? endPoint, ConnectionFailureType failure);

        [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "The state store's Redis at {EndPoint} is back.")]
        public static partial void ConnectionRestored(ILogger logger, System.Net.EndPoint? endPoint);
    }
}
