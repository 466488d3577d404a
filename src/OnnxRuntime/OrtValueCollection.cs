using System.Collections;

namespace OrleansInference.OnnxRuntime;

/// <summary>Named outputs of a run, in the order requested; disposing the collection disposes every value.</summary>
public sealed class OrtValueCollection : IReadOnlyList<OrtValue>, IDisposable
{
    private readonly string[] _names;
    private readonly OrtValue[] _values;

    internal OrtValueCollection(string[] names, OrtValue[] values)
    {
        _names = names;
        _values = values;
    }

    public int Count => _values.Length;

    /// <summary>The output names, parallel to the values.</summary>
    public IReadOnlyList<string> Names => _names;

    public OrtValue this[int index] => _values[index];

    /// <summary>The output named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No output has that name.</exception>
    public OrtValue this[string name]
    {
        get
        {
            var index = Array.IndexOf(_names, name);
            return index >= 0
                ? _values[index]
                : throw new KeyNotFoundException($"Output '{name}' is not in this result; it holds [{string.Join(", ", _names)}].");
        }
    }

    public IEnumerator<OrtValue> GetEnumerator() => ((IEnumerable<OrtValue>)_values).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public void Dispose()
    {
        foreach (var value in _values)
        {
            value?.Dispose();
        }
    }
}
