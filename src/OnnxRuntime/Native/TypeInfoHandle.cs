namespace OrleansInference.OnnxRuntime.Native;

/// <summary>Owns an <c>OrtTypeInfo</c>.</summary>
internal sealed class TypeInfoHandle : OrtHandle
{
    public TypeInfoHandle(nint handle)
        : base(handle)
    {
    }

    protected override unsafe bool ReleaseHandle()
    {
        NativeApi.Instance.ReleaseTypeInfo(handle);
        return true;
    }
}
