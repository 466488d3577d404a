namespace OrleansInference.OnnxRuntime.Native;

/// <summary>Owns an <c>OrtTensorTypeAndShapeInfo</c>.</summary>
internal sealed class TensorTypeAndShapeInfoHandle : OrtHandle
{
    public TensorTypeAndShapeInfoHandle(nint handle)
        : base(handle)
    {
    }

    protected override unsafe bool ReleaseHandle()
    {
        NativeApi.Instance.ReleaseTensorTypeAndShapeInfo(handle);
        return true;
    }
}
