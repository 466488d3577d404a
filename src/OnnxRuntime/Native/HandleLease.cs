using System.Runtime.InteropServices;

namespace OrleansInference.OnnxRuntime.Native;

/// <summary>
/// Keeps a <see cref="SafeHandle"/> from being released while a native call uses it
/// (<see cref="SafeHandle.DangerousAddRef"/> / <see cref="SafeHandle.DangerousRelease"/>).
/// </summary>
internal ref struct HandleLease
{
    private readonly SafeHandle? _handle;
    private bool _added;

    public HandleLease(SafeHandle handle)
    {
        _handle = handle;
        _added = false;
        handle.DangerousAddRef(ref _added);
    }

    public void Dispose()
    {
        if (_added)
        {
            _added = false;
            _handle!.DangerousRelease();
        }
    }
}
