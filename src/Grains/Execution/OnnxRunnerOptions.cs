using OrleansInference.OnnxRuntime;

namespace OrleansInference.Grains.Execution;

/// <summary>How model-version sessions are created on this silo (configuration section <c>OnnxRuntime</c>).</summary>
public sealed class OnnxRunnerOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "OnnxRuntime";

    /// <summary><see cref="ExecutionProviderKind.Cpu"/> (default) or <see cref="ExecutionProviderKind.Cuda"/>; CUDA falls back to CPU, logged, when unavailable.</summary>
    public ExecutionProviderKind ExecutionProvider { get; set; } = ExecutionProviderKind.Cpu;

    /// <summary>The CUDA device for <see cref="ExecutionProviderKind.Cuda"/>.</summary>
    public int CudaDeviceId { get; set; }

    /// <summary>Threads inside one operator, per session. Default 1: parallelism comes from instances and batching.</summary>
    public int IntraOpThreads { get; set; } = 1;

    /// <summary>Graph optimizations applied when a session is created.</summary>
    public GraphOptimizationLevel GraphOptimizationLevel { get; set; } = GraphOptimizationLevel.All;
}
