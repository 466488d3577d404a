namespace OrleansInference.OnnxRuntime.Native;

// Function pointers from the OrtApi table; positions in OrtApiSlots. Every nint-returning entry
// returns an OrtStatus* (null on success) that must go through ThrowIfError.
internal sealed unsafe partial class NativeApi
{
    public readonly delegate* unmanaged<int, byte*, nint> CreateStatus;
    public readonly delegate* unmanaged<nint, int> GetErrorCode;
    public readonly delegate* unmanaged<nint, byte*> GetErrorMessage;
    public readonly delegate* unmanaged<nint, nint, int, byte*, nint*, nint> CreateEnvWithCustomLogger;
    public readonly delegate* unmanaged<nint, byte*, nint, nint*, nint> CreateSession;
    public readonly delegate* unmanaged<nint, void*, nuint, nint, nint*, nint> CreateSessionFromArray;
    public readonly delegate* unmanaged<nint, nint, byte**, nint*, nuint, byte**, nuint, nint*, nint> Run;
    public readonly delegate* unmanaged<nint*, nint> CreateSessionOptions;
    public readonly delegate* unmanaged<nint, byte*, nint> SetOptimizedModelFilePath;
    public readonly delegate* unmanaged<nint, int, nint> SetSessionExecutionMode;
    public readonly delegate* unmanaged<nint, nint> EnableMemPattern;
    public readonly delegate* unmanaged<nint, nint> DisableMemPattern;
    public readonly delegate* unmanaged<nint, nint> EnableCpuMemArena;
    public readonly delegate* unmanaged<nint, nint> DisableCpuMemArena;
    public readonly delegate* unmanaged<nint, byte*, nint> SetSessionLogId;
    public readonly delegate* unmanaged<nint, int, nint> SetSessionGraphOptimizationLevel;
    public readonly delegate* unmanaged<nint, int, nint> SetIntraOpNumThreads;
    public readonly delegate* unmanaged<nint, int, nint> SetInterOpNumThreads;
    public readonly delegate* unmanaged<nint, nuint*, nint> SessionGetInputCount;
    public readonly delegate* unmanaged<nint, nuint*, nint> SessionGetOutputCount;
    public readonly delegate* unmanaged<nint, nuint, nint*, nint> SessionGetInputTypeInfo;
    public readonly delegate* unmanaged<nint, nuint, nint*, nint> SessionGetOutputTypeInfo;
    public readonly delegate* unmanaged<nint, nuint, nint, byte**, nint> SessionGetInputName;
    public readonly delegate* unmanaged<nint, nuint, nint, byte**, nint> SessionGetOutputName;
    public readonly delegate* unmanaged<nint*, nint> CreateRunOptions;
    public readonly delegate* unmanaged<nint, byte*, nint> RunOptionsSetRunTag;
    public readonly delegate* unmanaged<nint, nint> RunOptionsSetTerminate;
    public readonly delegate* unmanaged<nint, nint> RunOptionsUnsetTerminate;
    public readonly delegate* unmanaged<nint, long*, nuint, int, nint*, nint> CreateTensorAsOrtValue;
    public readonly delegate* unmanaged<nint, void*, nuint, long*, nuint, int, nint*, nint> CreateTensorWithDataAsOrtValue;
    public readonly delegate* unmanaged<nint, void**, nint> GetTensorMutableData;
    public readonly delegate* unmanaged<nint, byte**, nuint, nint> FillStringTensor;
    public readonly delegate* unmanaged<nint, nuint*, nint> GetStringTensorDataLength;
    public readonly delegate* unmanaged<nint, void*, nuint, nuint*, nuint, nint> GetStringTensorContent;
    public readonly delegate* unmanaged<nint, nint*, nint> CastTypeInfoToTensorInfo;
    public readonly delegate* unmanaged<nint, int*, nint> GetOnnxTypeFromTypeInfo;
    public readonly delegate* unmanaged<nint, int*, nint> GetTensorElementType;
    public readonly delegate* unmanaged<nint, nuint*, nint> GetDimensionsCount;
    public readonly delegate* unmanaged<nint, long*, nuint, nint> GetDimensions;
    public readonly delegate* unmanaged<nint, byte**, nuint, nint> GetSymbolicDimensions;
    public readonly delegate* unmanaged<nint, nint*, nint> GetTensorTypeAndShape;
    public readonly delegate* unmanaged<nint, int*, nint> GetValueType;
    public readonly delegate* unmanaged<int, int, nint*, nint> CreateCpuMemoryInfo;
    public readonly delegate* unmanaged<nint, byte**, nint> MemoryInfoGetName;
    public readonly delegate* unmanaged<nint, void*, nint> AllocatorFree;
    public readonly delegate* unmanaged<nint*, nint> GetAllocatorWithDefaultOptions;
    public readonly delegate* unmanaged<nint, void> ReleaseEnv;
    public readonly delegate* unmanaged<nint, void> ReleaseStatus;
    public readonly delegate* unmanaged<nint, void> ReleaseMemoryInfo;
    public readonly delegate* unmanaged<nint, void> ReleaseSession;
    public readonly delegate* unmanaged<nint, void> ReleaseValue;
    public readonly delegate* unmanaged<nint, void> ReleaseRunOptions;
    public readonly delegate* unmanaged<nint, void> ReleaseTypeInfo;
    public readonly delegate* unmanaged<nint, void> ReleaseTensorTypeAndShapeInfo;
    public readonly delegate* unmanaged<nint, void> ReleaseSessionOptions;
    public readonly delegate* unmanaged<byte***, int*, nint> GetAvailableProviders;
    public readonly delegate* unmanaged<byte**, int, nint> ReleaseAvailableProviders;
    public readonly delegate* unmanaged<nint, byte*, byte*, nint> AddSessionConfigEntry;
    public readonly delegate* unmanaged<nint, OrtCudaProviderOptions*, nint> SessionOptionsAppendExecutionProviderCuda;
}
