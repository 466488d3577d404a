using Microsoft.Extensions.Logging;

namespace OrleansInference.Grains.Batching;

/// <summary>Dynamic batcher log events (ids 1500–1509).</summary>
public sealed partial class DynamicBatcher<TRequest, TResponse>
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 1500, Level = LogLevel.Warning, Message = "Batch executor instance {Instance} failed a batch of {Requests} requests ({Rows} rows).")]
        public static partial void ExecutorFailed(ILogger logger, int instance, int requests, int rows, Exception exception);

        [LoggerMessage(EventId = 1501, Level = LogLevel.Error, Message = "Batch executor instance {Instance} returned without completing {Forgotten} of {Requests} requests; they were failed.")]
        public static partial void ItemsNotCompleted(ILogger logger, int instance, int forgotten, int requests);

        [LoggerMessage(EventId = 1502, Level = LogLevel.Debug, Message = "Batcher stopped accepting; draining {Queued} queued requests.")]
        public static partial void Draining(ILogger logger, int queued);

        [LoggerMessage(EventId = 1503, Level = LogLevel.Warning, Message = "Batcher drain abandoned; {Count} queued requests failed with Unavailable.")]
        public static partial void DrainAbandoned(ILogger logger, int count);
    }
}
