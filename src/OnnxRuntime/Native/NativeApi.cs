using System.Runtime.InteropServices;
using System.Text;

namespace OrleansInference.OnnxRuntime.Native;

/// <summary>
/// The loaded ONNX Runtime library: typed function pointers read once from the <c>OrtApi</c>
/// table, plus the process-lifetime objects every caller shares (CPU memory info, default
/// allocator, log router).
/// </summary>
/// <remarks>
/// Created lazily on first use and immutable afterwards. The library is never unloaded; the CPU
/// memory info and the router handle live as long as the process.
/// </remarks>
internal sealed unsafe partial class NativeApi
{
    private static readonly Lazy<NativeApi> Loaded = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    private NativeApi(nint* table, string version, string libraryPath)
    {
        Version = version;
        LibraryPath = libraryPath;
        CreateStatus = (delegate* unmanaged<int, byte*, nint>)table[OrtApiSlots.CreateStatus];
        GetErrorCode = (delegate* unmanaged<nint, int>)table[OrtApiSlots.GetErrorCode];
        GetErrorMessage = (delegate* unmanaged<nint, byte*>)table[OrtApiSlots.GetErrorMessage];
        CreateEnvWithCustomLogger = (delegate* unmanaged<nint, nint, int, byte*, nint*, nint>)table[OrtApiSlots.CreateEnvWithCustomLogger];
        CreateSession = (delegate* unmanaged<nint, byte*, nint, nint*, nint>)table[OrtApiSlots.CreateSession];
        CreateSessionFromArray = (delegate* unmanaged<nint, void*, nuint, nint, nint*, nint>)table[OrtApiSlots.CreateSessionFromArray];
        Run = (delegate* unmanaged<nint, nint, byte**, nint*, nuint, byte**, nuint, nint*, nint>)table[OrtApiSlots.Run];
        CreateSessionOptions = (delegate* unmanaged<nint*, nint>)table[OrtApiSlots.CreateSessionOptions];
        SetOptimizedModelFilePath = (delegate* unmanaged<nint, byte*, nint>)table[OrtApiSlots.SetOptimizedModelFilePath];
        SetSessionExecutionMode = (delegate* unmanaged<nint, int, nint>)table[OrtApiSlots.SetSessionExecutionMode];
        EnableMemPattern = (delegate* unmanaged<nint, nint>)table[OrtApiSlots.EnableMemPattern];
        DisableMemPattern = (delegate* unmanaged<nint, nint>)table[OrtApiSlots.DisableMemPattern];
        EnableCpuMemArena = (delegate* unmanaged<nint, nint>)table[OrtApiSlots.EnableCpuMemArena];
        DisableCpuMemArena = (delegate* unmanaged<nint, nint>)table[OrtApiSlots.DisableCpuMemArena];
        SetSessionLogId = (delegate* unmanaged<nint, byte*, nint>)table[OrtApiSlots.SetSessionLogId];
        SetSessionGraphOptimizationLevel = (delegate* unmanaged<nint, int, nint>)table[OrtApiSlots.SetSessionGraphOptimizationLevel];
        SetIntraOpNumThreads = (delegate* unmanaged<nint, int, nint>)table[OrtApiSlots.SetIntraOpNumThreads];
        SetInterOpNumThreads = (delegate* unmanaged<nint, int, nint>)table[OrtApiSlots.SetInterOpNumThreads];
        SessionGetInputCount = (delegate* unmanaged<nint, nuint*, nint>)table[OrtApiSlots.SessionGetInputCount];
        SessionGetOutputCount = (delegate* unmanaged<nint, nuint*, nint>)table[OrtApiSlots.SessionGetOutputCount];
        SessionGetInputTypeInfo = (delegate* unmanaged<nint, nuint, nint*, nint>)table[OrtApiSlots.SessionGetInputTypeInfo];
        SessionGetOutputTypeInfo = (delegate* unmanaged<nint, nuint, nint*, nint>)table[OrtApiSlots.SessionGetOutputTypeInfo];
        SessionGetInputName = (delegate* unmanaged<nint, nuint, nint, byte**, nint>)table[OrtApiSlots.SessionGetInputName];
        SessionGetOutputName = (delegate* unmanaged<nint, nuint, nint, byte**, nint>)table[OrtApiSlots.SessionGetOutputName];
        CreateRunOptions = (delegate* unmanaged<nint*, nint>)table[OrtApiSlots.CreateRunOptions];
        RunOptionsSetRunTag = (delegate* unmanaged<nint, byte*, nint>)table[OrtApiSlots.RunOptionsSetRunTag];
        RunOptionsSetTerminate = (delegate* unmanaged<nint, nint>)table[OrtApiSlots.RunOptionsSetTerminate];
        RunOptionsUnsetTerminate = (delegate* unmanaged<nint, nint>)table[OrtApiSlots.RunOptionsUnsetTerminate];
        CreateTensorAsOrtValue = (delegate* unmanaged<nint, long*, nuint, int, nint*, nint>)table[OrtApiSlots.CreateTensorAsOrtValue];
        CreateTensorWithDataAsOrtValue = (delegate* unmanaged<nint, void*, nuint, long*, nuint, int, nint*, nint>)table[OrtApiSlots.CreateTensorWithDataAsOrtValue];
        GetTensorMutableData = (delegate* unmanaged<nint, void**, nint>)table[OrtApiSlots.GetTensorMutableData];
        FillStringTensor = (delegate* unmanaged<nint, byte**, nuint, nint>)table[OrtApiSlots.FillStringTensor];
        GetStringTensorDataLength = (delegate* unmanaged<nint, nuint*, nint>)table[OrtApiSlots.GetStringTensorDataLength];
        GetStringTensorContent = (delegate* unmanaged<nint, void*, nuint, nuint*, nuint, nint>)table[OrtApiSlots.GetStringTensorContent];
        CastTypeInfoToTensorInfo = (delegate* unmanaged<nint, nint*, nint>)table[OrtApiSlots.CastTypeInfoToTensorInfo];
        GetOnnxTypeFromTypeInfo = (delegate* unmanaged<nint, int*, nint>)table[OrtApiSlots.GetOnnxTypeFromTypeInfo];
        GetTensorElementType = (delegate* unmanaged<nint, int*, nint>)table[OrtApiSlots.GetTensorElementType];
        GetDimensionsCount = (delegate* unmanaged<nint, nuint*, nint>)table[OrtApiSlots.GetDimensionsCount];
        GetDimensions = (delegate* unmanaged<nint, long*, nuint, nint>)table[OrtApiSlots.GetDimensions];
        GetSymbolicDimensions = (delegate* unmanaged<nint, byte**, nuint, nint>)table[OrtApiSlots.GetSymbolicDimensions];
        GetTensorTypeAndShape = (delegate* unmanaged<nint, nint*, nint>)table[OrtApiSlots.GetTensorTypeAndShape];
        GetValueType = (delegate* unmanaged<nint, int*, nint>)table[OrtApiSlots.GetValueType];
        CreateCpuMemoryInfo = (delegate* unmanaged<int, int, nint*, nint>)table[OrtApiSlots.CreateCpuMemoryInfo];
        MemoryInfoGetName = (delegate* unmanaged<nint, byte**, nint>)table[OrtApiSlots.MemoryInfoGetName];
        AllocatorFree = (delegate* unmanaged<nint, void*, nint>)table[OrtApiSlots.AllocatorFree];
        GetAllocatorWithDefaultOptions = (delegate* unmanaged<nint*, nint>)table[OrtApiSlots.GetAllocatorWithDefaultOptions];
        ReleaseEnv = (delegate* unmanaged<nint, void>)table[OrtApiSlots.ReleaseEnv];
        ReleaseStatus = (delegate* unmanaged<nint, void>)table[OrtApiSlots.ReleaseStatus];
        ReleaseMemoryInfo = (delegate* unmanaged<nint, void>)table[OrtApiSlots.ReleaseMemoryInfo];
        ReleaseSession = (delegate* unmanaged<nint, void>)table[OrtApiSlots.ReleaseSession];
        ReleaseValue = (delegate* unmanaged<nint, void>)table[OrtApiSlots.ReleaseValue];
        ReleaseRunOptions = (delegate* unmanaged<nint, void>)table[OrtApiSlots.ReleaseRunOptions];
        ReleaseTypeInfo = (delegate* unmanaged<nint, void>)table[OrtApiSlots.ReleaseTypeInfo];
        ReleaseTensorTypeAndShapeInfo = (delegate* unmanaged<nint, void>)table[OrtApiSlots.ReleaseTensorTypeAndShapeInfo];
        ReleaseSessionOptions = (delegate* unmanaged<nint, void>)table[OrtApiSlots.ReleaseSessionOptions];
        GetAvailableProviders = (delegate* unmanaged<byte***, int*, nint>)table[OrtApiSlots.GetAvailableProviders];
        ReleaseAvailableProviders = (delegate* unmanaged<byte**, int, nint>)table[OrtApiSlots.ReleaseAvailableProviders];
        AddSessionConfigEntry = (delegate* unmanaged<nint, byte*, byte*, nint>)table[OrtApiSlots.AddSessionConfigEntry];
        SessionOptionsAppendExecutionProviderCuda = (delegate* unmanaged<nint, OrtCudaProviderOptions*, nint>)table[OrtApiSlots.SessionOptionsAppendExecutionProviderCuda];

        ValidateTable();

        nint allocator;
        ThrowIfError(GetAllocatorWithDefaultOptions(&allocator));
        DefaultAllocator = allocator;

        nint memoryInfo;
        ThrowIfError(CreateCpuMemoryInfo(1 /* OrtArenaAllocator */, 0 /* OrtMemTypeDefault */, &memoryInfo));
        CpuMemoryInfo = memoryInfo;
        ValidateMemoryInfo();

        LogRouter = new OrtLogRouter();
        LogRouterHandle = GCHandle.ToIntPtr(GCHandle.Alloc(LogRouter));
        LogCallback = (nint)(delegate* unmanaged<nint, int, byte*, byte*, byte*, byte*, void>)&OrtLogRouter.OnLog;
    }

    /// <summary>The loaded API; the first access loads the library and throws if it is missing or unusable.</summary>
    public static NativeApi Instance => Loaded.Value;

    /// <summary>The runtime's version string, for example <c>1.29.0</c>.</summary>
    public string Version { get; }

    /// <summary>The path the library was loaded from.</summary>
    public string LibraryPath { get; }

    /// <summary>The default CPU allocator (owned by ONNX Runtime, never freed).</summary>
    public nint DefaultAllocator { get; }

    /// <summary>CPU memory info for tensors over caller memory (process lifetime).</summary>
    public nint CpuMemoryInfo { get; }

    public OrtLogRouter LogRouter { get; }

    /// <summary><see cref="GCHandle"/> to <see cref="LogRouter"/>, the logging callback's context.</summary>
    public nint LogRouterHandle { get; }

    /// <summary>Pointer to <see cref="OrtLogRouter.OnLog"/>.</summary>
    public nint LogCallback { get; }

    private static NativeApi Load()
    {
        var (library, path) = NativeLibraryLocator.Load();
        var getApiBase = (delegate* unmanaged<nint*>)NativeLibrary.GetExport(library, "OrtGetApiBase");
        var apiBase = getApiBase();
        if (apiBase == null)
        {
            throw new InvalidOperationException($"OrtGetApiBase returned null in '{path}'.");
        }

        var getApi = (delegate* unmanaged<uint, nint*>)apiBase[0];
        var getVersionString = (delegate* unmanaged<byte*>)apiBase[1];
        var version = Marshal.PtrToStringUTF8((nint)getVersionString()) ?? "unknown";
        var table = getApi(OrtApiSlots.ApiVersion);
        if (table == null)
        {
            throw new InvalidOperationException(
                $"ONNX Runtime {version} at '{path}' does not provide C API version {OrtApiSlots.ApiVersion}.");
        }

        return new NativeApi(table, version, path);
    }

    /// <summary>A round trip through CreateStatus / GetErrorCode / GetErrorMessage / ReleaseStatus.</summary>
    private void ValidateTable()
    {
        ReadOnlySpan<byte> probe = "orleans-inference-probe\0"u8;
        nint status;
        fixed (byte* text = probe)
        {
            status = CreateStatus((int)OrtErrorCode.InvalidArgument, text);
        }

        try
        {
            var code = GetErrorCode(status);
            var message = Marshal.PtrToStringUTF8((nint)GetErrorMessage(status));
            if (code != (int)OrtErrorCode.InvalidArgument || message != "orleans-inference-probe")
            {
                throw new InvalidOperationException(
                    $"The ONNX Runtime {Version} function table does not match this binding (status round trip returned code {code}, message '{message}').");
            }
        }
        finally
        {
            ReleaseStatus(status);
        }
    }

    private void ValidateMemoryInfo()
    {
        byte* name;
        ThrowIfError(MemoryInfoGetName(CpuMemoryInfo, &name));
        var text = Encoding.UTF8.GetString(MemoryMarshal.CreateReadOnlySpanFromNullTerminated(name));
        if (text != "Cpu")
        {
            throw new InvalidOperationException(
                $"The ONNX Runtime {Version} function table does not match this binding (CPU memory info is named '{text}').");
        }
    }
}
