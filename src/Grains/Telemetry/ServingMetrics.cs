using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using OrleansInference.Contracts.Inference;

namespace OrleansInference.Grains.Telemetry;

/// <summary>
/// The serving core's instruments on the <see cref="MeterName"/> meter: inference requests by outcome, their
/// duration (total, queueing and batch execution), rows per executed batch, queue depth, cache lookups and loaded
/// versions. Tag values are the model, the version and a fixed status
/// name, so recording allocates nothing.
/// </summary>
public sealed class ServingMetrics
{
    /// <summary>The meter every serving instrument belongs to.</summary>
    public const string MeterName = "OrleansInference.Serving";

    private static readonly string[] StatusNames = CreateStatusNames();

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly Histogram<long> _batchRows;
    private readonly UpDownCounter<long> _loaded;
    private readonly Counter<long> _cacheLookups;
    private readonly Histogram<double> _queueDuration;
    private readonly Histogram<double> _computeDuration;
    private readonly ConcurrentDictionary<(string Model, string Version), Func<int>> _queues = new();

    public ServingMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _requests = meter.CreateCounter<long>("oi.inference.requests", "{request}", "Inference requests by model, version and outcome.");
        InstrumentAdvice<double> seconds = new() { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] };
        _duration = meter.CreateHistogram<double>(
            "oi.inference.duration", "s", "Time from admission to result of inference requests (queueing and execution).", advice: seconds);
        _queueDuration = meter.CreateHistogram<double>(
            "oi.inference.queue.duration", "s", "Time inference requests waited in the batcher's queue before their batch ran.", advice: seconds);
        _computeDuration = meter.CreateHistogram<double>(
            "oi.inference.compute.duration", "s", "Time executed batches spent in the model (stacking, the session run, slicing).", advice: seconds);
        _batchRows = meter.CreateHistogram<long>(
            "oi.inference.batch.rows", "{row}", "Rows per executed batch.",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096] });
        _cacheLookups = meter.CreateCounter<long>("oi.cache.lookups", "{lookup}", "Predict result cache lookups by model, version and result (hit or miss).");
        _loaded = meter.CreateUpDownCounter<long>("oi.model.versions.loaded", "{version}", "Model versions loaded and warm on this silo.");
        meter.CreateObservableGauge("oi.inference.queue.depth", ObserveQueues, "{request}", "Requests waiting in each loaded version's batcher queue on this silo.");
    }

    /// <summary>Records how long one request waited in the queue (<paramref name="queued"/>) before its batch started.</summary>
    public void RecordQueued(string model, string version, TimeSpan queued) =>
        _queueDuration.Record(queued.TotalSeconds, new KeyValuePair<string, object?>("model", model), new KeyValuePair<string, object?>("version", version));

    /// <summary>Records how long one executed batch took in the model.</summary>
    public void RecordCompute(string model, string version, TimeSpan elapsed) =>
        _computeDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("model", model), new KeyValuePair<string, object?>("version", version));

    /// <summary>Reports a loaded version's queue depth through <paramref name="depth"/>; null stops reporting it (unloaded).</summary>
    public void TrackQueue(string model, string version, Func<int>? depth)
    {
        if (depth is null)
        {
            _queues.TryRemove((model, version), out _);
        }
        else
        {
            _queues[(model, version)] = depth;
        }
    }

    private IEnumerable<Measurement<int>> ObserveQueues()
    {
        foreach (var ((model, version), depth) in _queues)
        {
            yield return new Measurement<int>(depth(), new KeyValuePair<string, object?>("model", model), new KeyValuePair<string, object?>("version", version));
        }
    }

    /// <summary>Records one finished inference request.</summary>
    public void RecordRequest(string model, string version, InferenceStatus status, long startTimestamp)
    {
        var modelTag = new KeyValuePair<string, object?>("model", model);
        var versionTag = new KeyValuePair<string, object?>("version", version);
        _requests.Add(1, modelTag, versionTag, new KeyValuePair<string, object?>("status", StatusName(status)));
        _duration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, modelTag, versionTag);
    }

    /// <summary>Records one executed batch of <paramref name="rows"/> rows.</summary>
    public void RecordBatch(string model, string version, long rows) =>
        _batchRows.Record(rows, new KeyValuePair<string, object?>("model", model), new KeyValuePair<string, object?>("version", version));

    /// <summary>Counts one result cache lookup.</summary>
    public void RecordCacheLookup(string model, string version, bool hit) =>
        _cacheLookups.Add(1, new KeyValuePair<string, object?>("model", model), new KeyValuePair<string, object?>("version", version),
            new KeyValuePair<string, object?>("result", hit ? "hit" : "miss"));

    /// <summary>Counts a version becoming ready (+1) or unloading (-1).</summary>
    public void RecordLoaded(string model, string version, int delta) =>
        _loaded.Add(delta, new KeyValuePair<string, object?>("model", model), new KeyValuePair<string, object?>("version", version));

    private static string StatusName(InferenceStatus status) =>
        (uint)status < (uint)StatusNames.Length ? StatusNames[(int)status] : "other";

    private static string[] CreateStatusNames()
    {
        var values = Enum.GetValues<InferenceStatus>();
        var names = new string[values.Max(v => (int)v) + 1];
        foreach (var value in values)
        {
            names[(int)value] = System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
        }

        return names;
    }
}
