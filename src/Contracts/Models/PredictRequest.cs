using Orleans;
using OrleansInference.Contracts.Inference;

namespace OrleansInference.Contracts.Models;

/// <summary>Raw (not yet preprocessed) feature rows, row-major, <c>RowCount × Columns</c> values.</summary>
[GenerateSerializer]
[Alias("oi.PredictRequest")]
public sealed record PredictRequest(
    [property: Id(0)] ReadOnlyMemory<float> Features,
    [property: Id(1)] int RowCount,
    [property: Id(2)] int Columns,
    [property: Id(3)] RequestPriority Priority = RequestPriority.RealTime,
    [property: Id(4)] DateTimeOffset? Deadline = null);
