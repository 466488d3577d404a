namespace OrleansInference.OnnxRuntime.Native;

/// <summary>Owns an <c>OrtSessionOptions</c>.</summary>
internal sealed class SessionOptionsHandle : OrtHandle
{
    public SessionOptionsHandle(nint handle)
        : base(handle)
    {
    }

    protected override unsafe bool ReleaseHandle()
    {
        NativeApi.Instance.ReleaseSessionOptions(handle);
        return true;
    }
}
