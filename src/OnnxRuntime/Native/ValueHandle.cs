using System.Buffers;

namespace OrleansInference.OnnxRuntime.Native;

/// <summary>
/// Owns an <c>OrtValue</c> and, for tensors over caller memory, the pin on that memory: the pin is
/// dropped only after the native value is released.
/// </summary>
internal sealed class ValueHandle : OrtHandle
{
    private MemoryHandle _pin;

    public ValueHandle(nint handle, MemoryHandle pin = default)
        : base(handle)
    {
        _pin = pin;
    }

    protected override unsafe bool ReleaseHandle()
    {
        NativeApi.Instance.ReleaseValue(handle);
        _pin.Dispose();
        _pin = default;
        return true;
    }
}
