namespace OrleansInference.OnnxRuntime;

/// <summary>
/// How a session is created. A plain settings object: the native <c>OrtSessionOptions</c> is built
/// from it inside <see cref="OrtEnvironment.CreateSession(string, SessionOptions?)"/> and released
/// right after, so one instance can be reused for many sessions.
/// </summary>
public sealed class SessionOptions
{
    /// <summary>Threads used inside one operator. 0 = ONNX Runtime's default (one per core); 1 = the calling thread only. Default 1, which suits small models and one session per worker.</summary>
    public int IntraOpNumThreads { get; set; } = 1;

    /// <summary>Threads used to run independent nodes with <see cref="ExecutionMode.Parallel"/>. 0 = default. Default 0.</summary>
    public int InterOpNumThreads { get; set; }

    /// <summary>Graph optimizations applied at load. Default <see cref="GraphOptimizationLevel.All"/>.</summary>
    public GraphOptimizationLevel GraphOptimizationLevel { get; set; } = GraphOptimizationLevel.All;

    /// <summary>Sequential or parallel node execution. Default <see cref="ExecutionMode.Sequential"/>.</summary>
    public ExecutionMode ExecutionMode { get; set; } = ExecutionMode.Sequential;

    /// <summary>Whether the CPU provider uses its memory arena (faster, holds memory). Default true.</summary>
    public bool EnableCpuMemArena { get; set; } = true;

    /// <summary>Whether memory planning reuses a pattern across runs with the same shapes. Default true.</summary>
    public bool EnableMemPattern { get; set; } = true;

    /// <summary>When set, ONNX Runtime writes the optimized model to this path. Default null.</summary>
    public string? OptimizedModelFilePath { get; set; }

    /// <summary>Identifier in ONNX Runtime's log messages for this session. Default null.</summary>
    public string? LogId { get; set; }

    /// <summary>The provider to ask for. Default <see cref="ExecutionProviderKind.Cpu"/>.</summary>
    public ExecutionProviderKind ExecutionProvider { get; set; } = ExecutionProviderKind.Cpu;

    /// <summary>CUDA device ordinal used with <see cref="ExecutionProviderKind.Cuda"/>, 0 or more. Default 0.</summary>
    public int CudaDeviceId { get; set; }

    /// <summary>Extra session configuration entries (<c>AddSessionConfigEntry</c>), for example <c>session.intra_op.allow_spinning = 0</c>.</summary>
    public IDictionary<string, string> ConfigEntries { get; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
