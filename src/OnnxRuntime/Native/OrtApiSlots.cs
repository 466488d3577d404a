namespace OrleansInference.OnnxRuntime.Native;

/// <summary>
/// Positions of the entries this binding uses in the <c>OrtApi</c> function table.
/// </summary>
/// <remarks>
/// Counted field by field from <c>struct OrtApi</c> in <c>onnxruntime_c_api.h</c> at
/// <c>ORT_API_VERSION 13</c>: every field is one pointer-sized slot, whether declared as a plain
/// function pointer, <c>ORT_API2_STATUS</c>, <c>ORT_CLASS_RELEASE</c> or <c>ORT_API_T</c>. The table is
/// append-only, so these positions hold for every later runtime (the binding requests
/// <see cref="ApiVersion"/> and runs on ONNX Runtime 1.29). <see cref="NativeApi"/> checks a few of
/// them at load time.
/// </remarks>
internal static class OrtApiSlots
{
    /// <summary>The <c>OrtApi</c> version requested from <c>OrtApiBase::GetApi</c>.</summary>
    public const uint ApiVersion = 13;

    public const int CreateStatus = 0;
    public const int GetErrorCode = 1;
    public const int GetErrorMessage = 2;
    public const int CreateEnv = 3;
    public const int CreateEnvWithCustomLogger = 4;
    public const int CreateSession = 7;
    public const int CreateSessionFromArray = 8;
    public const int Run = 9;
    public const int CreateSessionOptions = 10;
    public const int SetOptimizedModelFilePath = 11;
    public const int SetSessionExecutionMode = 13;
    public const int EnableMemPattern = 16;
    public const int DisableMemPattern = 17;
    public const int EnableCpuMemArena = 18;
    public const int DisableCpuMemArena = 19;
    public const int SetSessionLogId = 20;
    public const int SetSessionGraphOptimizationLevel = 23;
    public const int SetIntraOpNumThreads = 24;
    public const int SetInterOpNumThreads = 25;
    public const int SessionGetInputCount = 30;
    public const int SessionGetOutputCount = 31;
    public const int SessionGetInputTypeInfo = 33;
    public const int SessionGetOutputTypeInfo = 34;
    public const int SessionGetInputName = 36;
    public const int SessionGetOutputName = 37;
    public const int CreateRunOptions = 39;
    public const int RunOptionsSetRunTag = 42;
    public const int RunOptionsSetTerminate = 46;
    public const int RunOptionsUnsetTerminate = 47;
    public const int CreateTensorAsOrtValue = 48;
    public const int CreateTensorWithDataAsOrtValue = 49;
    public const int GetTensorMutableData = 51;
    public const int FillStringTensor = 52;
    public const int GetStringTensorDataLength = 53;
    public const int GetStringTensorContent = 54;
    public const int CastTypeInfoToTensorInfo = 55;
    public const int GetOnnxTypeFromTypeInfo = 56;
    public const int GetTensorElementType = 60;
    public const int GetDimensionsCount = 61;
    public const int GetDimensions = 62;
    public const int GetSymbolicDimensions = 63;
    public const int GetTensorTypeAndShape = 65;
    public const int GetValueType = 67;
    public const int CreateCpuMemoryInfo = 69;
    public const int MemoryInfoGetName = 71;
    public const int AllocatorFree = 76;
    public const int GetAllocatorWithDefaultOptions = 78;
    public const int ReleaseEnv = 92;
    public const int ReleaseStatus = 93;
    public const int ReleaseMemoryInfo = 94;
    public const int ReleaseSession = 95;
    public const int ReleaseValue = 96;
    public const int ReleaseRunOptions = 97;
    public const int ReleaseTypeInfo = 98;
    public const int ReleaseTensorTypeAndShapeInfo = 99;
    public const int ReleaseSessionOptions = 100;
    public const int GetAvailableProviders = 125;
    public const int ReleaseAvailableProviders = 126;
    public const int AddSessionConfigEntry = 130;
    public const int SessionOptionsAppendExecutionProviderCuda = 152;
}
