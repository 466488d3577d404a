using Microsoft.Extensions.Options;

namespace OrleansInference.Grid.Experiments;

/// <summary>
/// A bounded in-memory log of every prediction the predict endpoint answered: prediction id to model, version,
/// predicted label and, when an experiment routed it, experiment and variant, for joining feedback. At most
/// <see cref="ExperimentOptions.PredictionLogCapacity"/> entries; oldest evicted. Each prediction
/// takes feedback once: <see cref="TryClaimFeedback"/> answers true for the first feedback only.
/// </summary>
/// <remarks>
/// Every predicted row adds an entry, so the log is a ring of slots in arrival order plus one index from id to slot,
/// under one lock held for a few dictionary operations: adding past capacity overwrites the oldest slot and reuses
/// its index entry, and the entry's fields live in the slot, with no allocation of the log's own once it is full (concurrent dictionaries and a queue, one
/// node each per row and three lock acquisitions, cost a tenth of a single-row predict's CPU).
/// </remarks>
public sealed class PredictionLog
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Guid, int> _index;
    private readonly Slot[] _slots;
    private int _next;
    private int _count;

    public PredictionLog(IOptions<ExperimentOptions> options)
    {
        var capacity = Math.Max(0, options.Value.PredictionLogCapacity);
        _slots = new Slot[capacity];
        _index = new Dictionary<Guid, int>(Math.Min(capacity, 65_536));
    }

    /// <summary>Entries held.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Adds one prediction, evicting the oldest beyond capacity; an id already held is left as it is.</summary>
    public void Add(Guid predictionId, LoggedPrediction prediction) =>
        Add(new Slot(predictionId, prediction.Experiment, prediction.Variant, prediction.Prediction, prediction.Label, prediction.Model, prediction.Version));

    /// <summary>Adds one prediction no experiment routed (the predict endpoint's own rows), with no record of its own.</summary>
    public void Add(Guid predictionId, double prediction, string? label, string model, string version) =>
        Add(new Slot(predictionId, null, null, prediction, label, model, version));

    private void Add(in Slot entry)
    {
        var predictionId = entry.Id;
        if (_slots.Length == 0)
        {
            return;
        }

        lock (_lock)
        {
            if (!_index.TryAdd(predictionId, _next))
            {
                return;
            }

            ref var slot = ref _slots[_next];
            if (slot.Used)
            {
                _index.Remove(slot.Id);
            }
            else
            {
                _count++;
            }

            slot = entry;
            _next = _next + 1 == _slots.Length ? 0 : _next + 1;
        }
    }

    /// <summary>True the first time feedback is claimed for a logged prediction; false once it already has feedback.</summary>
    public bool TryClaimFeedback(Guid predictionId)
    {
        lock (_lock)
        {
            if (!_index.TryGetValue(predictionId, out var index) || _slots[index].Answered)
            {
                return false;
            }

            _slots[index].Answered = true;
            return true;
        }
    }

    /// <summary>Gives a claim back (the feedback could not be recorded), so the client may send it again.</summary>
    public void ReleaseFeedback(Guid predictionId)
    {
        lock (_lock)
        {
            if (_index.TryGetValue(predictionId, out var index))
            {
                _slots[index].Answered = false;
            }
        }
    }

    /// <summary>Looks a prediction up.</summary>
    public bool TryGet(Guid predictionId, out LoggedPrediction prediction)
    {
        lock (_lock)
        {
            if (_index.TryGetValue(predictionId, out var index))
            {
                ref readonly var slot = ref _slots[index];
                prediction = new LoggedPrediction(slot.Experiment, slot.Variant, slot.Prediction, slot.Label, slot.Model, slot.Version);
                return true;
            }
        }

        prediction = null!;
        return false;
    }

    /// <summary>One logged prediction; a slot never written has <see cref="Used"/> false.</summary>
    private record struct Slot(Guid Id, string? Experiment, string? Variant, double Prediction, string? Label, string? Model, string? Version)
    {
        public bool Used { get; } = true;

        public bool Answered { get; set; }
    }
}
