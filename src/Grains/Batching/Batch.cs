using System.Collections;

namespace OrleansInference.Grains.Batching;

/// <summary>
/// A formed batch: requests in dispatch order (real-time first, FIFO within a priority), never split. Each executor
/// instance reuses one batch object, so it is valid only during <see cref="IBatchExecutor{TRequest, TResponse}.ExecuteAsync"/>.
/// </summary>
public sealed class Batch<TRequest, TResponse> : IReadOnlyList<BatchItem<TRequest, TResponse>>
{
    private readonly BatchItem<TRequest, TResponse>[] _items;
    private int _count;

    internal Batch(int capacity) => _items = new BatchItem<TRequest, TResponse>[capacity];

    /// <summary>The requests in this batch.</summary>
    public IReadOnlyList<BatchItem<TRequest, TResponse>> Items => this;

    /// <summary>Number of requests.</summary>
    public int Count => _count;

    /// <summary>Total rows across requests.</summary>
    public int Rows { get; private set; }

    /// <inheritdoc />
    public BatchItem<TRequest, TResponse> this[int index] =>
        (uint)index < (uint)_count ? _items[index] : throw new ArgumentOutOfRangeException(nameof(index), index, $"The batch has {_count} items.");

    /// <inheritdoc />
    public IEnumerator<BatchItem<TRequest, TResponse>> GetEnumerator()
    {
        for (var i = 0; i < _count; i++)
        {
            yield return _items[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal void Add(BatchItem<TRequest, TResponse> item)
    {
        item.RowOffset = Rows;
        _items[_count++] = item;
        Rows += item.Rows;
    }

    internal void Clear()
    {
        Array.Clear(_items, 0, _count);
        _count = 0;
        Rows = 0;
    }
}
