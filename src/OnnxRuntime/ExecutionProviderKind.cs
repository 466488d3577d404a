namespace OrleansInference.OnnxRuntime;

/// <summary>The execution provider a session asks for.</summary>
public enum ExecutionProviderKind
{
    /// <summary>ONNX Runtime's CPU provider, always available.</summary>
    Cpu = 0,

    /// <summary>
    /// The CUDA provider on <see cref="SessionSettings.CudaDeviceId"/>. Needs the GPU flavour of the native library
    /// (CUDA 13, cuDNN 9); when it cannot be added the session runs on CPU if <see cref="SessionSettings.AllowCpuFallback"/>.
    /// </summary>
    Cuda = 1,
}
