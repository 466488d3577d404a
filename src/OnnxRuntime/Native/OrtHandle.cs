using System.Runtime.InteropServices;

namespace OrleansInference.OnnxRuntime.Native;

/// <summary>Base for the handles that own one ONNX Runtime object each; zero is invalid.</summary>
internal abstract class OrtHandle : SafeHandle
{
    protected OrtHandle(nint handle)
        : base(0, ownsHandle: true)
    {
        SetHandle(handle);
    }

    public override bool IsInvalid => handle == 0;

    /// <summary>The raw pointer, for calls made while the caller holds a reference (see <see cref="HandleLease"/>).</summary>
    public nint Pointer => handle;
}
