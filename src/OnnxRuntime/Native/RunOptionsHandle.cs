namespace OrleansInference.OnnxRuntime.Native;

/// <summary>Owns an <c>OrtRunOptions</c>.</summary>
internal sealed class RunOptionsHandle : OrtHandle
{
    public RunOptionsHandle(nint handle)
        : base(handle)
    {
    }

    protected override unsafe bool ReleaseHandle()
    {
        NativeApi.Instance.ReleaseRunOptions(handle);
        return true;
    }
}
