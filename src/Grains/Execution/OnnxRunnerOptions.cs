using OrleansInference.OnnxRuntime;

namespace OrleansInference.Grains.Execution;

/// <summary>How model-version sessions are created on this silo (configuration section <c>OnnxRuntime</c>).</summary>
public sealed class OnnxRunnerOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "OnnxRuntime";

    /// <summary>
    /// <see cref="ExecutionProviderKind.Cpu"/> (default) or <see cref="ExecutionProviderKind.Cuda"/>. CUDA needs a host built
    /// with <c>OnnxRuntimeFlavor=Gpu</c> and the CUDA 13 / cuDNN 9 libraries; see <see cref="AllowCpuFallback"/>.
    /// </summary>
    public ExecutionProviderKind ExecutionProvider { get; set; } = ExecutionProviderKind.Cpu;

    /// <summary>The CUDA device ordinal for <see cref="ExecutionProviderKind.Cuda"/>, 0 or more. Default 0.</summary>
    public int CudaDeviceId { get; set; }

    /// <summary>
    /// Whether a version configured for CUDA loads on CPU when CUDA cannot be added (the reason is logged once and the
    /// version reports <c>CPU</c> as its provider); when false such a version fails to load with that reason. Default true.
    /// </summary>
    public bool AllowCpuFallback { get; set; } = true;

    /// <summary>Threads inside one operator, per session. Default 1: parallelism comes from instances and batching.</summary>
    public int IntraOpThreads { get; set; } = 1;

    /// <summary>Graph optimizations applied when a session is created.</summary>
    public GraphOptimizationLevel GraphOptimizationLevel { get; set; } = GraphOptimizationLevel.All;
}
