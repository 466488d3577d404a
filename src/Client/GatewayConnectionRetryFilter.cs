using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;

namespace OrleansInference.Client;

/// <summary>
/// Keeps start-up retrying to reach a gateway (the server may still be starting) until
/// <see cref="InferenceClientOptions.ConnectTimeout"/> has passed since the first failed attempt; then the host's start
/// fails with the last connection error.
/// </summary>
internal sealed partial class GatewayConnectionRetryFilter(
    IOptions<InferenceClientOptions> options,
    TimeProvider time,
    ILogger<GatewayConnectionRetryFilter> logger) : IClientConnectionRetryFilter
{
    private long _firstFailure;

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetTimestamp();
        var first = Interlocked.CompareExchange(ref _firstFailure, now, 0);
        var elapsed = first == 0 ? TimeSpan.Zero : time.GetElapsedTime(first, now);
        if (elapsed + settings.ConnectRetryDelay > settings.ConnectTimeout)
        {
            Log.GaveUp(logger, elapsed.TotalSeconds, exception.Message);
            return false;
        }

        Log.Retrying(logger, elapsed.TotalSeconds, settings.ConnectTimeout.TotalSeconds, exception.Message);
        await Task.Delay(settings.ConnectRetryDelay, time, cancellationToken);
        return true;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = ClientEventIds.ConnectRetrying, Level = LogLevel.Information,
            Message = "No gateway of the inference grid answered yet ({ElapsedSeconds:0.0} s of {TimeoutSeconds:0.0} s); retrying. Last error: {Error}")]
        public static partial void Retrying(ILogger logger, double elapsedSeconds, double timeoutSeconds, string error);

        [LoggerMessage(EventId = ClientEventIds.ConnectGaveUp, Level = LogLevel.Error,
            Message = "No gateway of the inference grid answered within {ElapsedSeconds:0.0} s; giving up. Last error: {Error}")]
        public static partial void GaveUp(ILogger logger, double elapsedSeconds, string error);
    }
}
