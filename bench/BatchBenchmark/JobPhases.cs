using System.Diagnostics;
using System.Text.Json.Nodes;

namespace OrleansInference.BatchBenchmark;

/// <summary>
/// Where a job's wall time went, as seen by polling its status (20 ms resolution): until the first chunk is
/// checkpointed (queueing, planning, the first chunk), until the last one is (the chunks), and until it succeeded (merge).
/// </summary>
internal sealed class JobPhases
{
    private readonly long _start = Stopwatch.GetTimestamp();

    public double? FirstChunkSeconds { get; private set; }

    public double? AllChunksSeconds { get; private set; }

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_start);

    public void Observe(JsonNode status)
    {
        var done = (int?)status["chunks_done"] ?? 0;
        var total = (int?)status["chunks_total"];
        if (done > 0 && FirstChunkSeconds is null)
        {
            FirstChunkSeconds = Elapsed.TotalSeconds;
        }

        if (total is { } t && done == t && AllChunksSeconds is null)
        {
            AllChunksSeconds = Elapsed.TotalSeconds;
        }
    }

    public JsonObject ToJson() => new()
    {
        ["first_chunk_seconds"] = FirstChunkSeconds is { } f ? Math.Round(f, 3) : null,
        ["all_chunks_seconds"] = AllChunksSeconds is { } a ? Math.Round(a, 3) : null,
    };
}
