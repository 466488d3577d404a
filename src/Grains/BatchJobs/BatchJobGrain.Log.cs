using Microsoft.Extensions.Logging;

namespace OrleansInference.Grains.BatchJobs;

/// <summary>Source-generated logs of the batch job grain (event ids 4000–4009).</summary>
public sealed partial class BatchJobGrain
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "Batch job {JobId} running on {Model}/{Version}: {Rows} rows in {Chunks} chunks, {Pending} to process.")]
        public static partial void Running(ILogger logger, string jobId, string model, string version, long rows, int chunks, int pending);

        [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Batch job {JobId} succeeded: {Rows} rows, {Errors} rejected, {Seconds:0.0} s in this run.")]
        public static partial void Succeeded(ILogger logger, string jobId, long rows, long errors, double seconds);

        [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Batch job {JobId} failed: {Reason}")]
        public static partial void Failed(ILogger logger, string jobId, string reason);

        [LoggerMessage(EventId = 4003, Level = LogLevel.Error, Message = "Batch job {JobId} failed unexpectedly.")]
        public static partial void Crashed(ILogger logger, string jobId, Exception exception);

        [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "Batch job {JobId} was cancelled after {Rows} rows.")]
        public static partial void Cancelled(ILogger logger, string jobId, long rows);

        [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "Batch job {JobId}: could not write or remove working files: {Reason}")]
        public static partial void CleanupFailed(ILogger logger, string jobId, string reason);

        [LoggerMessage(EventId = 4006, Level = LogLevel.Information, Message = "Batch job {JobId} resumed by its reminder at {RowsDone} of {RowsTotal} rows.")]
        public static partial void ResumedByReminder(ILogger logger, string jobId, long rowsDone, long? rowsTotal);

        [LoggerMessage(EventId = 4007, Level = LogLevel.Warning, Message = "Batch job {JobId}: could not {Action} its resume reminder: {Reason}")]
        public static partial void ReminderFailed(ILogger logger, string jobId, string action, string reason);

        [LoggerMessage(EventId = 4008, Level = LogLevel.Information, Message = "Batch job {JobId} finished at {FinishedAt} expired after its retention of {Retention}; its files were removed.")]
        public static partial void Expired(ILogger logger, string jobId, DateTimeOffset finishedAt, TimeSpan retention);

        [LoggerMessage(EventId = 4010, Level = LogLevel.Warning, Message = "Batch job {JobId} waits for its state store: {Reason}")]
        public static partial void StoreUnavailable(ILogger logger, string jobId, string reason);

        [LoggerMessage(EventId = 4011, Level = LogLevel.Information, Message = "Batch job {JobId} resumed at activation at {RowsDone} of {RowsTotal} rows.")]
        public static partial void ResumedAtActivation(ILogger logger, string jobId, long rowsDone, long? rowsTotal);
    }
}
