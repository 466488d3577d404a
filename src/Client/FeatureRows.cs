namespace OrleansInference.Client;

/// <summary>Checks jagged feature rows and copies them into one row-major array, the shape a prediction request carries.</summary>
internal static class FeatureRows
{
    /// <summary>
    /// Copies <paramref name="rows"/> row after row; <paramref name="columns"/> is the length every row shares.
    /// Throws <see cref="ArgumentException"/> naming the first row or value that is missing, of another length or not finite.
    /// </summary>
    public static float[] Flatten(float[][]? rows, out int columns)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Length == 0)
        {
            throw new ArgumentException("No rows were given; pass at least one row of feature values.", nameof(rows));
        }

        columns = rows[0]?.Length ?? 0;
        var features = new float[checked(rows.Length * columns)];
        for (var r = 0; r < rows.Length; r++)
        {
            var row = rows[r] ?? throw new ArgumentException($"Row {r} is null.", nameof(rows));
            if (row.Length == 0)
            {
                throw new ArgumentException($"Row {r} has no feature values.", nameof(rows));
            }

            if (row.Length != columns)
            {
                throw new ArgumentException($"Row {r} has {row.Length} feature values but row 0 has {columns}; every row needs the model's features in its order.", nameof(rows));
            }

            for (var c = 0; c < row.Length; c++)
            {
                if (!float.IsFinite(row[c]))
                {
                    throw new ArgumentException($"Row {r}, feature {c} is {row[c]}; feature values must be finite numbers.", nameof(rows));
                }
            }

            row.CopyTo(features, r * columns);
        }

        return features;
    }
}
