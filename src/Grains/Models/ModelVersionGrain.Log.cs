using Microsoft.Extensions.Logging;

namespace OrleansInference.Grains.Models;

/// <summary>Operator logs of model-version lifecycle.</summary>
public sealed partial class ModelVersionGrain
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 1400, Level = LogLevel.Information, Message = "Model {Key} is ready on {Provider} with {Instances} instance(s) after warm-up.")]
        public static partial void Ready(ILogger logger, string key, string provider, int instances);

        [LoggerMessage(EventId = 1401, Level = LogLevel.Error, Message = "Model {Key} failed to load; requests get 503 until it loads.")]
        public static partial void LoadFailed(ILogger logger, string key, Exception exception);

        [LoggerMessage(EventId = 1403, Level = LogLevel.Warning, Message = "Model {Key} rejected its synthetic warm-up request (zeros) and serves without warm-up: {Reason} Give it warmup_inputs of its own, or set synthetic_warmup to false.")]
        public static partial void SyntheticWarmupFailed(ILogger logger, string key, string reason);

        [LoggerMessage(EventId = 1402, Level = LogLevel.Information, Message = "Model {Key} drained its queue and released its sessions.")]
        public static partial void Unloaded(ILogger logger, string key);
    }
}
