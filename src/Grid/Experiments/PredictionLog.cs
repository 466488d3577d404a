using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace OrleansInference.Grid.Experiments;

/// <summary>
/// A bounded in-memory log of predictions that experiments routed: prediction id to experiment, variant and predicted
/// label, for joining feedback. At most <see cref="ExperimentOptions.PredictionLogCapacity"/> entries; oldest evicted.
/// </summary>
public sealed class PredictionLog
{
    private readonly ConcurrentDictionary<Guid, LoggedPrediction> _entries = new();
    private readonly ConcurrentQueue<Guid> _order = new();
    private readonly int _capacity;

    public PredictionLog(IOptions<ExperimentOptions> options) => _capacity = options.Value.PredictionLogCapacity;

    /// <summary>Entries held.</summary>
    public int Count => _entries.Count;

    /// <summary>Adds one prediction, evicting the oldest beyond capacity.</summary>
    public void Add(Guid predictionId, LoggedPrediction prediction)
    {
        if (!_entries.TryAdd(predictionId, prediction))
        {
            return;
        }

        _order.Enqueue(predictionId);
        while (_entries.Count > _capacity && _order.TryDequeue(out var oldest))
        {
            _entries.TryRemove(oldest, out _);
        }
    }

    /// <summary>Looks a prediction up.</summary>
    public bool TryGet(Guid predictionId, out LoggedPrediction prediction) => _entries.TryGetValue(predictionId, out prediction!);
}
