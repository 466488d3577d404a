namespace OrleansInference.OnnxRuntime;

/// <summary>The execution provider a session asks for.</summary>
public enum ExecutionProviderKind
{
    /// <summary>ONNX Runtime's CPU provider.</summary>
    Cpu = 0,

    /// <summary>The CUDA provider on <see cref="SessionOptions.CudaDeviceId"/>, falling back to CPU when it cannot be added.</summary>
    Cuda = 1,
}
