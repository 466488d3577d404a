using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace OrleansInference.Grid.Experiments;

/// <summary>
/// A bounded in-memory log of every prediction the predict endpoint answered: prediction id to model, version,
/// predicted label and, when an experiment routed it, experiment and variant, for joining feedback. At most
/// <see cref="ExperimentOptions.PredictionLogCapacity"/> entries; oldest evicted. Each prediction
/// takes feedback once: <see cref="TryClaimFeedback"/> answers true for the first feedback only.
/// </summary>
public sealed class PredictionLog
{
    private readonly ConcurrentDictionary<Guid, LoggedPrediction> _entries = new();
    private readonly ConcurrentQueue<Guid> _order = new();
    private readonly ConcurrentDictionary<Guid, byte> _answered = new();
    private readonly int _capacity;

    // Counted here: ConcurrentDictionary.Count takes every lock of the dictionary, too slow for every predicted row.
    private int _count;

    public PredictionLog(IOptions<ExperimentOptions> options) => _capacity = options.Value.PredictionLogCapacity;

    /// <summary>Entries held.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Adds one prediction, evicting the oldest beyond capacity.</summary>
    public void Add(Guid predictionId, LoggedPrediction prediction)
    {
        if (_capacity <= 0 || !_entries.TryAdd(predictionId, prediction))
        {
            return;
        }

        _order.Enqueue(predictionId);
        Interlocked.Increment(ref _count);
        while (Volatile.Read(ref _count) > _capacity && _order.TryDequeue(out var oldest))
        {
            if (_entries.TryRemove(oldest, out _))
            {
                Interlocked.Decrement(ref _count);
            }

            _answered.TryRemove(oldest, out _);
        }
    }

    /// <summary>True the first time feedback is claimed for a logged prediction; false once it already has feedback.</summary>
    public bool TryClaimFeedback(Guid predictionId) => _entries.ContainsKey(predictionId) && _answered.TryAdd(predictionId, 0);

    /// <summary>Gives a claim back (the feedback could not be recorded), so the client may send it again.</summary>
    public void ReleaseFeedback(Guid predictionId) => _answered.TryRemove(predictionId, out _);

    /// <summary>Looks a prediction up.</summary>
    public bool TryGet(Guid predictionId, out LoggedPrediction prediction) => _entries.TryGetValue(predictionId, out prediction!);
}
