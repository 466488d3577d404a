using System.Runtime.InteropServices;

namespace OrleansInference.Grains.Telemetry;

/// <summary>
/// The few calls of NVIDIA's management library (NVML, <c>libnvidia-ml.so.1</c>, installed with the driver) that GPU
/// metrics read: device count, utilization and memory. Loaded at run time, so a host without the driver runs as
/// before; every call returns NVML's status code (0 is success).
/// </summary>
internal sealed unsafe class NvmlLibrary : IDisposable
{
    /// <summary>The library's name where the NVIDIA driver installs it.</summary>
    public static string DefaultName => OperatingSystem.IsWindows() ? "nvml.dll" : "libnvidia-ml.so.1";

    private const int Success = 0;

    private readonly nint _handle;
    private readonly delegate* unmanaged<int> _shutdown;
    private readonly delegate* unmanaged<uint*, int> _deviceCount;
    private readonly delegate* unmanaged<uint, nint*, int> _deviceByIndex;
    private readonly delegate* unmanaged<nint, NvmlUtilization*, int> _utilization;
    private readonly delegate* unmanaged<nint, NvmlMemory*, int> _memory;
    private bool _disposed;

    private NvmlLibrary(nint handle)
    {
        _handle = handle;
        _shutdown = (delegate* unmanaged<int>)NativeLibrary.GetExport(handle, "nvmlShutdown");
        _deviceCount = (delegate* unmanaged<uint*, int>)NativeLibrary.GetExport(handle, "nvmlDeviceGetCount_v2");
        _deviceByIndex = (delegate* unmanaged<uint, nint*, int>)NativeLibrary.GetExport(handle, "nvmlDeviceGetHandleByIndex_v2");
        _utilization = (delegate* unmanaged<nint, NvmlUtilization*, int>)NativeLibrary.GetExport(handle, "nvmlDeviceGetUtilizationRates");
        _memory = (delegate* unmanaged<nint, NvmlMemory*, int>)NativeLibrary.GetExport(handle, "nvmlDeviceGetMemoryInfo");
    }

    /// <summary>
    /// Loads and initializes NVML from <paramref name="path"/>; null with <paramref name="reason"/> when the library
    /// is missing, lacks a call, or does not initialize (no driver, no device).
    /// </summary>
    public static NvmlLibrary? TryOpen(string path, out string reason)
    {
        if (!NativeLibrary.TryLoad(path, out var handle))
        {
            reason = $"{path} is not installed (it comes with the NVIDIA driver)";
            return null;
        }

        NvmlLibrary library;
        try
        {
            var init = (delegate* unmanaged<int>)NativeLibrary.GetExport(handle, "nvmlInit_v2");
            var status = init();
            if (status != Success)
            {
                NativeLibrary.Free(handle);
                reason = $"nvmlInit_v2 in {path} failed with NVML status {status}";
                return null;
            }

            library = new NvmlLibrary(handle);
        }
        catch (EntryPointNotFoundException ex)
        {
            NativeLibrary.Free(handle);
            reason = $"{path} is not a usable NVML: {ex.Message}";
            return null;
        }

        reason = string.Empty;
        return library;
    }

    /// <summary>The number of GPUs the driver sees; 0 when it cannot tell.</summary>
    public int DeviceCount()
    {
        uint count;
        return _deviceCount(&count) == Success ? (int)count : 0;
    }

    /// <summary>GPU <paramref name="index"/>'s busy fraction over the driver's last sample period (0 to 1).</summary>
    public bool TryGetUtilization(int index, out double busy)
    {
        busy = 0;
        if (!TryGetDevice(index, out var device))
        {
            return false;
        }

        NvmlUtilization utilization;
        if (_utilization(device, &utilization) != Success)
        {
            return false;
        }

        busy = utilization.Gpu / 100.0;
        return true;
    }

    /// <summary>GPU <paramref name="index"/>'s memory in bytes: used and total.</summary>
    public bool TryGetMemory(int index, out long used, out long total)
    {
        used = total = 0;
        if (!TryGetDevice(index, out var device))
        {
            return false;
        }

        NvmlMemory memory;
        if (_memory(device, &memory) != Success)
        {
            return false;
        }

        used = (long)memory.Used;
        total = (long)memory.Total;
        return true;
    }

    private bool TryGetDevice(int index, out nint device)
    {
        nint found;
        var ok = _deviceByIndex((uint)index, &found) == Success;
        device = found;
        return ok;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _shutdown();
        NativeLibrary.Free(_handle);
    }

    /// <summary><c>nvmlUtilization_t</c>: percent of time the GPU and its memory were busy.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct NvmlUtilization
    {
        public uint Gpu;
        public uint Memory;
    }

    /// <summary><c>nvmlMemory_t</c>: bytes total, free and used.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct NvmlMemory
    {
        public ulong Total;
        public ulong Free;
        public ulong Used;
    }
}
