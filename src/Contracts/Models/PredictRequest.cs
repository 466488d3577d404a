using OrleansInference.Contracts.Inference;

namespace OrleansInference.Contracts.Models;

/// <summary>Raw (not yet preprocessed) feature rows, row-major, <c>RowCount × Columns</c> values.</summary>
public sealed record PredictRequest(
    ReadOnlyMemory<float> Features,
    int RowCount,
    int Columns,
    RequestPriority Priority = RequestPriority.RealTime,
    DateTimeOffset? Deadline = null);
