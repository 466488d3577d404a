using System.Runtime.InteropServices;

namespace OrleansInference.OnnxRuntime.Native;

/// <summary>
/// The legacy <c>OrtCUDAProviderOptions</c> struct passed to
/// <c>SessionOptionsAppendExecutionProvider_CUDA</c>.
/// </summary>
/// <remarks>
/// Later runtimes appended fields (the TunableOp settings) that they read from the same pointer;
/// those are declared, and a zeroed reserve follows so any further appended field reads as zero
/// (its "off" default) instead of stack garbage.
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct OrtCudaProviderOptions
{
    public int DeviceId;
    public int CudnnConvAlgoSearch;
    public nuint GpuMemLimit;
    public int ArenaExtendStrategy;
    public int DoCopyInDefaultStream;
    public int HasUserComputeStream;
    public nint UserComputeStream;
    public nint DefaultMemoryArenaCfg;
    public int TunableOpEnable;
    public int TunableOpTuningEnable;
    public int TunableOpMaxTuningDurationMs;
    public fixed long Reserved[16];

    /// <summary>The C++ constructor's defaults for <paramref name="deviceId"/>.</summary>
    public static OrtCudaProviderOptions CreateDefault(int deviceId) => new()
    {
        DeviceId = deviceId,
        CudnnConvAlgoSearch = 0, // OrtCudnnConvAlgoSearchExhaustive
        GpuMemLimit = nuint.MaxValue,
        DoCopyInDefaultStream = 1,
    };
}
