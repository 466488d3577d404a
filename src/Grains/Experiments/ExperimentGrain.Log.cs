using Microsoft.Extensions.Logging;

namespace OrleansInference.Grains.Experiments;

/// <summary>Logs of the experiment grain (event ids 4000–4099).</summary>
public sealed partial class ExperimentGrain
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "Experiment {Experiment} on model {Model} created: {Split}.")]
        public static partial void Created(ILogger logger, string experiment, string model, string split);

        [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Experiment {Experiment}: canary {Variant} ramp started at {Percentage}%.")]
        public static partial void RampStarted(ILogger logger, string experiment, string variant, int percentage);

        [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Experiment {Experiment}: canary {Variant} moved to {Percentage}%.")]
        public static partial void RampStep(ILogger logger, string experiment, string variant, int percentage);

        [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Experiment {Experiment}: canary {Variant} rolled back to the baseline. {Reason}")]
        public static partial void RolledBack(ILogger logger, string experiment, string variant, string reason);

        [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "Experiment {Experiment}: variant {Variant} (version {Version}) promoted.")]
        public static partial void Promoted(ILogger logger, string experiment, string variant, string version);

        [LoggerMessage(EventId = 4005, Level = LogLevel.Information, Message = "Experiment {Experiment} aborted: {Reason}.")]
        public static partial void Aborted(ILogger logger, string experiment, string reason);

        [LoggerMessage(EventId = 4006, Level = LogLevel.Error, Message = "Experiment {Experiment}: guardrail evaluation failed.")]
        public static partial void EvaluationFailed(ILogger logger, string experiment, Exception exception);
    }
}
