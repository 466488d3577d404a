namespace OrleansInference.Grains.BatchJobs;

/// <summary>Parses one input record (one line) into a model row of raw feature values.</summary>
public interface IBatchRowParser
{
    /// <summary>
    /// Fills <paramref name="row"/> (the model's columns, raw values) from <paramref name="line"/>, completing missing
    /// features with their defaults. Returns null on success, otherwise why the record was rejected.
    /// </summary>
    string? Parse(ReadOnlySpan<byte> line, Span<float> row);
}
