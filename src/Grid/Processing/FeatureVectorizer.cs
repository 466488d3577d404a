using System.Collections.Frozen;
using OrleansInference.Grid.Repository;

namespace OrleansInference.Grid.Processing;

/// <summary>
/// Turns raw feature rows into the model's first input: fills defaults for missing named features, then
/// standardizes each column with the stored mean and standard deviation. Immutable; shared across threads.
/// </summary>
public sealed class FeatureVectorizer
{
    private readonly float[]? _mean;
    private readonly float[]? _inverseStd;
    private readonly float[] _defaults;
    private readonly bool[] _hasDefault;
    private readonly FrozenDictionary<string, int> _columns;

    public FeatureVectorizer(ModelConfig config)
    {
        var input = config.Inputs[0];
        InputName = input.Name;
        Columns = input.Shape.Length >= 2 && input.Shape[^1] > 0 ? checked((int)input.Shape[^1]) : 0;
        FeatureNames = config.FeatureNames ?? [];
        _columns = FeatureNames.Select((name, index) => KeyValuePair.Create(name, index)).ToFrozenDictionary(StringComparer.Ordinal);
        _defaults = new float[Columns];
        _hasDefault = new bool[Columns];
        if (config.Preprocessing?.Defaults is { } defaults)
        {
            foreach (var (name, value) in defaults)
            {
                if (_columns.TryGetValue(name, out var index))
                {
                    _defaults[index] = value;
                    _hasDefault[index] = true;
                }
            }
        }

        if (config.Preprocessing?.Standardize is { } standardize)
        {
            _mean = standardize.Mean;
            _inverseStd = Array.ConvertAll(standardize.Std, s => 1f / s);
        }
    }

    /// <summary>The name of the input the features feed.</summary>
    public string InputName { get; }

    /// <summary>Values per row.</summary>
    public int Columns { get; }

    /// <summary>Feature names in column order; empty when the model takes unnamed vectors only.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>The column of a named feature, or -1.</summary>
    public int ColumnOf(string name) => _columns.TryGetValue(name, out var index) ? index : -1;

    /// <summary>
    /// Completes a row filled from named features: columns not marked in <paramref name="present"/> take their
    /// default. Returns the name of the first missing feature without a default, or null when the row is complete.
    /// </summary>
    public string? CompleteNamedRow(Span<float> row, ReadOnlySpan<bool> present)
    {
        for (var i = 0; i < Columns; i++)
        {
            if (present[i])
            {
                continue;
            }

            if (!_hasDefault[i])
            {
                return FeatureNames[i];
            }

            row[i] = _defaults[i];
        }

        return null;
    }

    /// <summary>
    /// The reference value of a column for explanations: its configured default (the demo models use the training
    /// mean), else the stored standardization mean, else 0.
    /// </summary>
    public float BaselineOf(int column) => _hasDefault[column] ? _defaults[column] : _mean?[column] ?? 0f;

    /// <summary>Standardizes complete raw rows in place (a no-op when the config has no standardization).</summary>
    public void Transform(Span<float> rows)
    {
        if (_mean is null || _inverseStd is null || Columns == 0)
        {
            return;
        }

        for (var offset = 0; offset + Columns <= rows.Length; offset += Columns)
        {
            var row = rows.Slice(offset, Columns);
            for (var c = 0; c < row.Length; c++)
            {
                row[c] = (row[c] - _mean[c]) * _inverseStd[c];
            }
        }
    }
}
