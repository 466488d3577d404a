using OrleansInference.Contracts.Inference;

namespace OrleansInference.Grains.Execution;

/// <summary>An input or output as the loaded model declares it; <c>-1</c> marks a dynamic dimension.</summary>
public sealed record ModelTensorInfo(string Name, TensorDataType DataType, long[] Shape)
{
    /// <summary>True when the first dimension is dynamic, so requests can be stacked into batches.</summary>
    public bool HasBatchDimension => Shape.Length > 0 && Shape[0] < 0;

    /// <summary>"[N,30] (FP32)".</summary>
    public override string ToString() => $"{ShapeMath.Format(Shape)} ({DataType.ToV2Name()})";
}
