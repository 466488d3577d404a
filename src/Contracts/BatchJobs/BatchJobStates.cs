using OrleansInference.Contracts.BatchJobs;

namespace OrleansInference.Contracts.BatchJobs;

/// <summary>Wire names of states and formats.</summary>
public static class BatchJobStates
{
    /// <summary><c>queued</c>, <c>running</c>, <c>succeeded</c>, <c>failed</c> or <c>cancelled</c>.</summary>
    public static string ToWire(BatchJobState state) => state switch
    {
        BatchJobState.Queued => "queued",
        BatchJobState.Running => "running",
        BatchJobState.Succeeded => "succeeded",
        BatchJobState.Failed => "failed",
        _ => "cancelled",
    };

    /// <summary>The file extension of a format, with its dot: <c>.csv</c> or <c>.jsonl</c>.</summary>
    public static string FileExtension(BatchJobFormat format) => format == BatchJobFormat.Csv ? ".csv" : ".jsonl";

    /// <summary><c>csv</c> or <c>jsonl</c>.</summary>
    public static string ToWire(BatchJobFormat format) => format == BatchJobFormat.Csv ? "csv" : "jsonl";

    /// <summary>Parses a client's format name (<c>csv</c>, <c>jsonl</c>, <c>ndjson</c>), case-insensitively.</summary>
    public static bool TryParseFormat(string? text, out BatchJobFormat format)
    {
        switch (text?.ToLowerInvariant())
        {
            case "csv":
                format = BatchJobFormat.Csv;
                return true;
            case "jsonl" or "ndjson" or "json-lines" or "jsonlines":
                format = BatchJobFormat.JsonLines;
                return true;
            default:
                format = default;
                return false;
        }
    }
}
