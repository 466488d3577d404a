using System.Text;
using OrleansInference.OnnxRuntime.Native;

namespace OrleansInference.OnnxRuntime;

/// <summary>
/// Per-run settings, chiefly the terminate flag: <see cref="SetTerminate"/> (from any thread) makes
/// runs using these options stop at the next node and throw <see cref="OperationCanceledException"/>.
/// Reusable after <see cref="UnsetTerminate"/>.
/// </summary>
public sealed unsafe class RunOptions : IDisposable
{
    private readonly NativeApi _api;
    private volatile bool _terminateRequested;

    public RunOptions()
    {
        _api = NativeApi.Instance;
        nint raw;
        _api.ThrowIfError(_api.CreateRunOptions(&raw));
        Handle = new RunOptionsHandle(raw);
    }

    /// <summary>Whether <see cref="SetTerminate"/> was called since the last <see cref="UnsetTerminate"/>.</summary>
    public bool IsTerminateRequested => _terminateRequested;

    internal RunOptionsHandle Handle { get; }

    /// <summary>Sets the run tag ONNX Runtime puts in this run's log messages.</summary>
    public void SetRunTag(string tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        using var lease = new HandleLease(Handle);
        fixed (byte* text = Encoding.UTF8.GetBytes(tag + "\0"))
        {
            _api.ThrowIfError(_api.RunOptionsSetRunTag(Handle.Pointer, text));
        }
    }

    /// <summary>Asks runs using these options to stop; safe to call from another thread while they run.</summary>
    public void SetTerminate()
    {
        _terminateRequested = true;
        using var lease = new HandleLease(Handle);
        _api.ThrowIfError(_api.RunOptionsSetTerminate(Handle.Pointer));
    }

    /// <summary>Clears the terminate flag so the options can be used again.</summary>
    public void UnsetTerminate()
    {
        using var lease = new HandleLease(Handle);
        _api.ThrowIfError(_api.RunOptionsUnsetTerminate(Handle.Pointer));
        _terminateRequested = false;
    }

    public void Dispose() => Handle.Dispose();
}
