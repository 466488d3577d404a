using Microsoft.Extensions.Logging;
using OrleansInference.Contracts.Grains;

namespace OrleansInference.Grains.Hosting;

/// <summary>Grain host log events (ids 1000–1019).</summary>
public sealed partial class GrainHost
{
    internal static partial class Log
    {
        [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Grain host started with {GrainInterfaces} grain interfaces; collection every {Quantum}, default idle timeout {IdleTimeout}.")]
        public static partial void Started(ILogger logger, int grainInterfaces, TimeSpan quantum, TimeSpan idleTimeout);

        [LoggerMessage(EventId = 1001, Level = LogLevel.Debug, Message = "Grain {GrainId} activated.")]
        public static partial void Activated(ILogger logger, GrainId grainId);

        [LoggerMessage(EventId = 1002, Level = LogLevel.Error, Message = "Grain {GrainId} failed to activate; the next call retries.")]
        public static partial void ActivationFailed(ILogger logger, GrainId grainId, Exception exception);

        [LoggerMessage(EventId = 1003, Level = LogLevel.Debug, Message = "Grain {GrainId} deactivated ({Reason}).")]
        public static partial void Deactivated(ILogger logger, GrainId grainId, DeactivationReasonCode reason);

        [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Grain {GrainId} failed while deactivating ({Reason}).")]
        public static partial void DeactivationFailed(ILogger logger, GrainId grainId, DeactivationReasonCode reason, Exception exception);

        [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "A timer callback of grain {GrainId} failed.")]
        public static partial void TimerFailed(ILogger logger, GrainId grainId, Exception exception);

        [LoggerMessage(EventId = 1006, Level = LogLevel.Debug, Message = "Idle collection started deactivating {Count} activations.")]
        public static partial void Collected(ILogger logger, int count);

        [LoggerMessage(EventId = 1007, Level = LogLevel.Error, Message = "Idle collection failed.")]
        public static partial void CollectorFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 1008, Level = LogLevel.Information, Message = "Grain host stopping; deactivating {Count} activations.")]
        public static partial void Stopping(ILogger logger, int count);

        [LoggerMessage(EventId = 1009, Level = LogLevel.Warning, Message = "Grain host stop timed out with {Count} activations still deactivating.")]
        public static partial void StopTimedOut(ILogger logger, int count);
    }
}
