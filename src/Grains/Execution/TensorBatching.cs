using OrleansInference.Contracts.Inference;

namespace OrleansInference.Grains.Execution;

/// <summary>
/// Joins per-request tensors along the batch (first) dimension into one tensor, and splits a batched output
/// back into per-request tensors. Row-major storage makes both a sequence of contiguous copies.
/// </summary>
public static class TensorBatching
{
    /// <summary>
    /// Concatenates <paramref name="parts"/> (same name, type and inner shape) along dimension 0. A single part is
    /// returned as is; otherwise the result owns a pooled buffer released when it is disposed.
    /// </summary>
    public static NamedTensor Concatenate(IReadOnlyList<NamedTensor> parts)
    {
        var first = parts[0];
        if (parts.Count == 1)
        {
            return first;
        }

        long rows = 0;
        foreach (var part in parts)
        {
            rows += part.Shape[0];
        }

        var shape = (long[])first.Shape.Clone();
        shape[0] = rows;
        if (first.DataType == TensorDataType.String)
        {
            var strings = new string[checked((int)ShapeMath.ElementCount(shape))];
            var offset = 0;
            foreach (var part in parts)
            {
                part.Strings!.CopyTo(strings, offset);
                offset += part.Strings!.Length;
            }

            return new NamedTensor(first.Name, shape, strings);
        }

        var total = 0;
        foreach (var part in parts)
        {
            total = checked(total + part.Data.Length);
        }

        var owner = PooledBytes.Rent(total, out var buffer);
        var written = 0;
        foreach (var part in parts)
        {
            part.Data.Span.CopyTo(buffer.AsSpan(written));
            written += part.Data.Length;
        }

        return new NamedTensor(first.Name, first.DataType, shape, buffer.AsMemory(0, total), owner);
    }

    /// <summary>
    /// Copies rows <c>[rowOffset, rowOffset + rows)</c> of a batched tensor into a tensor of its own (a pooled buffer,
    /// returned when the slice is disposed). Outputs whose first dimension is not the batch (for example a scalar) are copied whole.
    /// </summary>
    public static NamedTensor Slice(NamedTensor batched, long totalRows, long rowOffset, long rows)
    {
        if (batched.Shape.Length == 0 || batched.Shape[0] != totalRows || (rowOffset == 0 && rows == totalRows))
        {
            return batched.DataType == TensorDataType.String
                ? new NamedTensor(batched.Name, batched.Shape, batched.Strings!)
                : new NamedTensor(batched.Name, batched.DataType, batched.Shape, batched.Data.ToArray());
        }

        var shape = (long[])batched.Shape.Clone();
        shape[0] = rows;
        var perRow = totalRows == 0 ? 0 : ShapeMath.ElementCount(batched.Shape) / totalRows;
        if (batched.DataType == TensorDataType.String)
        {
            return new NamedTensor(batched.Name, shape, batched.Strings.AsSpan(checked((int)(rowOffset * perRow)), checked((int)(rows * perRow))).ToArray());
        }

        var rowBytes = perRow * batched.DataType.ElementSize();
        var source = batched.Data.Slice(checked((int)(rowOffset * rowBytes)), checked((int)(rows * rowBytes)));
        var owner = PooledBytes.Rent(source.Length, out var buffer);
        source.Span.CopyTo(buffer);
        return new NamedTensor(batched.Name, batched.DataType, shape, buffer.AsMemory(0, source.Length), owner);
    }
}
