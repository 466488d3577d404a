namespace OrleansInference.OnnxRuntime;

/// <summary>Whether a session runs independent graph nodes one after another or in parallel.</summary>
public enum ExecutionMode
{
    Sequential = 0,
    Parallel = 1,
}
