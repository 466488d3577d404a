namespace OrleansInference.OnnxRuntime;

/// <summary>Graph optimizations applied when a session loads a model (ONNX Runtime's numbering).</summary>
public enum GraphOptimizationLevel
{
    DisableAll = 0,
    Basic = 1,
    Extended = 2,
    All = 99,
}
