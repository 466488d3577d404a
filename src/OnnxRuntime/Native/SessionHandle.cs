using System.Runtime.InteropServices;

namespace OrleansInference.OnnxRuntime.Native;

/// <summary>
/// Owns an <c>OrtSession</c>, the native block of its UTF-8 input/output names, and a reference on
/// the environment handle (taken at construction, dropped after the session is released).
/// </summary>
internal sealed unsafe class SessionHandle : OrtHandle
{
    private readonly EnvironmentHandle _environment;
    private void* _names;

    /// <summary>Wraps <paramref name="handle"/>; the caller has already added a reference to <paramref name="environment"/>.</summary>
    public SessionHandle(nint handle, EnvironmentHandle environment)
        : base(handle)
    {
        _environment = environment;
    }

    /// <summary>Hands over a block from <see cref="NativeMemory.Alloc(nuint)"/> to free with the session.</summary>
    public void AttachNames(void* names) => _names = names;

    protected override bool ReleaseHandle()
    {
        NativeApi.Instance.ReleaseSession(handle);
        NativeMemory.Free(_names);
        _names = null;
        _environment.DangerousRelease();
        return true;
    }
}
