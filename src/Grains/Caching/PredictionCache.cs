using OrleansInference.Contracts.Models;

namespace OrleansInference.Grains.Caching;

/// <summary>
/// Recent predictions of one model version, keyed by the exact feature values of the request (bitwise, so a
/// collision can never return another request's answer), expiring after a TTL and bounded by least-recent use.
/// A hit allocates nothing: lookups compare the request's span against stored keys.
/// </summary>
public sealed class PredictionCache
{
    private readonly object _gate = new();
    private readonly Dictionary<FeatureKey, LinkedListNode<Entry>> _entries = new(FeatureKeyComparer.Instance);
    private readonly Dictionary<FeatureKey, LinkedListNode<Entry>>.AlternateLookup<ReadOnlySpan<float>> _lookup;
    private readonly LinkedList<Entry> _recency = new();
    private readonly TimeSpan _ttl;
    private readonly int _maxEntries;
    private readonly TimeProvider _time;

    public PredictionCache(TimeSpan ttl, int maxEntries, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntries, 1);
        _ttl = ttl;
        _maxEntries = maxEntries;
        _time = time;
        _lookup = _entries.GetAlternateLookup<ReadOnlySpan<float>>();
    }

    /// <summary>The number of entries, expired ones included until they are touched or evicted.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>The cached rows for exactly these features, if present and fresh.</summary>
    public bool TryGet(ReadOnlySpan<float> features, out IReadOnlyList<RowPrediction> rows)
    {
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            if (_lookup.TryGetValue(features, out var node))
            {
                if (now < node.Value.ExpiresAt)
                {
                    _recency.Remove(node);
                    _recency.AddFirst(node);
                    rows = node.Value.Rows;
                    return true;
                }

                _entries.Remove(node.Value.Key);
                _recency.Remove(node);
            }
        }

        rows = [];
        return false;
    }

    /// <summary>Stores the rows predicted for these features (copied), evicting the least recently used beyond capacity.</summary>
    public void Add(ReadOnlySpan<float> features, IReadOnlyList<RowPrediction> rows) => Add(features, rows, _ttl);

    /// <summary>
    /// Stores the rows for at most <paramref name="ttl"/> (an answer read from a shared cache keeps the expiry it has
    /// there) and never longer than the cache's own TTL.
    /// </summary>
    public void Add(ReadOnlySpan<float> features, IReadOnlyList<RowPrediction> rows, TimeSpan ttl)
    {
        if (ttl <= TimeSpan.Zero)
        {
            return;
        }

        var expiresAt = _time.GetTimestamp() + (long)(Math.Min(ttl.TotalSeconds, _ttl.TotalSeconds) * _time.TimestampFrequency);
        lock (_gate)
        {
            if (_lookup.TryGetValue(features, out var existing))
            {
                _recency.Remove(existing);
                _entries.Remove(existing.Value.Key);
            }

            var key = new FeatureKey(features.ToArray());
            var node = _recency.AddFirst(new Entry(key, rows, expiresAt));
            _entries[key] = node;
            while (_entries.Count > _maxEntries)
            {
                var oldest = _recency.Last!;
                _recency.RemoveLast();
                _entries.Remove(oldest.Value.Key);
            }
        }
    }

    /// <summary>Drops every entry (the version's registry entry changed).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _entries.Clear();
            _recency.Clear();
        }
    }

    private sealed record Entry(FeatureKey Key, IReadOnlyList<RowPrediction> Rows, long ExpiresAt);
}
