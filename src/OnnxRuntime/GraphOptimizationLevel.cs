namespace OrleansInference.OnnxRuntime;

/// <summary>Graph optimizations applied when a session loads a model, as named in configuration.</summary>
public enum GraphOptimizationLevel
{
    /// <summary>No graph optimization.</summary>
    DisableAll = 0,

    /// <summary>Constant folding and redundant-node elimination.</summary>
    Basic = 1,

    /// <summary>Basic plus node fusions.</summary>
    Extended = 2,

    /// <summary>Every optimization, layout changes included (the default).</summary>
    All = 99,
}
