namespace OrleansInference.OnnxRuntime;

/// <summary>
/// How <see cref="OnnxSessionFactory"/> creates a session. A plain settings object: the native session options
/// are built from it for each session and released right after, so one instance serves many sessions.
/// </summary>
public sealed class SessionSettings
{
    /// <summary>Threads inside one operator, 0 (runtime default: one per core) or more. Default 1: parallelism comes from instances and batching.</summary>
    public int IntraOpNumThreads { get; set; } = 1;

    /// <summary>Threads running independent nodes, 0 (runtime default) or more. Default 0.</summary>
    public int InterOpNumThreads { get; set; }

    /// <summary>Graph optimizations applied at load. Default <see cref="GraphOptimizationLevel.All"/>.</summary>
    public GraphOptimizationLevel GraphOptimizationLevel { get; set; } = GraphOptimizationLevel.All;

    /// <summary>The provider to ask for. Default <see cref="ExecutionProviderKind.Cpu"/>.</summary>
    public ExecutionProviderKind ExecutionProvider { get; set; } = ExecutionProviderKind.Cpu;

    /// <summary>CUDA device ordinal for <see cref="ExecutionProviderKind.Cuda"/>, 0 or more. Default 0.</summary>
    public int CudaDeviceId { get; set; }

    /// <summary>Whether a session that asked for CUDA runs on CPU when CUDA cannot be added (logged), instead of failing. Default true.</summary>
    public bool AllowCpuFallback { get; set; } = true;

    /// <summary>Identifier in ONNX Runtime's log messages for this session, for example the model version key. Default null.</summary>
    public string? LogId { get; set; }

    /// <summary>Extra session configuration entries, for example <c>session.intra_op.allow_spinning = 0</c>.</summary>
    public IDictionary<string, string> ConfigEntries { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>A copy that asks for <paramref name="provider"/> instead.</summary>
    public SessionSettings WithProvider(ExecutionProviderKind provider)
    {
        var copy = new SessionSettings
        {
            IntraOpNumThreads = IntraOpNumThreads,
            InterOpNumThreads = InterOpNumThreads,
            GraphOptimizationLevel = GraphOptimizationLevel,
            ExecutionProvider = provider,
            CudaDeviceId = CudaDeviceId,
            AllowCpuFallback = AllowCpuFallback,
            LogId = LogId,
        };
        foreach (var (key, value) in ConfigEntries)
        {
            copy.ConfigEntries[key] = value;
        }

        return copy;
    }
}
