using System.Runtime.InteropServices;
using Orleans;

namespace OrleansInference.Contracts.Inference;

/// <summary>
/// A named, shaped tensor as it crosses the wire. Numeric and boolean elements are stored contiguously,
/// little-endian, row-major in <see cref="Data"/>; <see cref="TensorDataType.String"/> elements are held in
/// <see cref="Strings"/>. The optional owner returns pooled storage when the tensor is disposed.
/// </summary>
[GenerateSerializer]
[Alias("oi.NamedTensor")]
public sealed class NamedTensor : IDisposable
{
    [NonSerialized]
    private IDisposable? _owner;

    /// <summary>Creates a numeric or boolean tensor over <paramref name="data"/>.</summary>
    public NamedTensor(string name, TensorDataType dataType, long[] shape, ReadOnlyMemory<byte> data, IDisposable? owner = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(shape);
        if (dataType is TensorDataType.String or TensorDataType.Undefined)
        {
            throw new ArgumentException($"Tensor '{name}' of type {dataType} needs the string constructor.", nameof(dataType));
        }

        Name = name;
        DataType = dataType;
        Shape = shape;
        Data = data;
        _owner = owner;
    }

    /// <summary>Creates a string (<c>BYTES</c>) tensor.</summary>
    public NamedTensor(string name, long[] shape, string[] strings)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(strings);
        Name = name;
        DataType = TensorDataType.String;
        Shape = shape;
        Strings = strings;
    }

    /// <summary>The tensor's name, as the model's input or output calls it.</summary>
    [Id(0)]
    public string Name { get; }

    /// <summary>The element type.</summary>
    [Id(1)]
    public TensorDataType DataType { get; }

    /// <summary>The shape, outermost dimension first.</summary>
    [Id(2)]
    public long[] Shape { get; }

    /// <summary>Element bytes for non-string tensors; empty for strings.</summary>
    [Id(3)]
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>Elements of a string tensor; null otherwise.</summary>
    [Id(4)]
    public string[]? Strings { get; }

    /// <summary>The number of elements the shape describes.</summary>
    public long ElementCount => ShapeMath.ElementCount(Shape);

    /// <summary>The elements reinterpreted as <typeparamref name="T"/>.</summary>
    public ReadOnlySpan<T> AsSpan<T>()
        where T : unmanaged => MemoryMarshal.Cast<byte, T>(Data.Span);

    /// <summary>Creates a tensor that copies <paramref name="values"/>.</summary>
    public static NamedTensor FromValues<T>(string name, TensorDataType dataType, long[] shape, ReadOnlySpan<T> values)
        where T : unmanaged
    {
        var bytes = MemoryMarshal.AsBytes(values).ToArray();
        return new NamedTensor(name, dataType, shape, bytes);
    }

    /// <summary>
    /// A copy whose data is an array of its own, with no pooled owner: what may cross a grain call, which can hand its
    /// arguments and results on by reference or serialize them after the caller has moved on.
    /// </summary>
    public NamedTensor ToOwned() => DataType == TensorDataType.String
        ? new NamedTensor(Name, Shape, Strings!)
        : new NamedTensor(Name, DataType, Shape, Data.ToArray());

    /// <inheritdoc />
    public void Dispose() => Interlocked.Exchange(ref _owner, null)?.Dispose();

    /// <summary>
    /// Hands a pooled tensor out again: <paramref name="owner"/> is told, on the next dispose, that this holder is done.
    /// Only for the pool that created the tensor, and only after every previous holder disposed it.
    /// </summary>
    internal void Rearm(IDisposable owner) => Volatile.Write(ref _owner, owner);
}
