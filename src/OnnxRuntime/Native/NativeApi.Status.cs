using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace OrleansInference.OnnxRuntime.Native;

internal sealed unsafe partial class NativeApi
{
    /// <summary>Throws <see cref="OnnxRuntimeException"/> for a non-null status, releasing it first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void ThrowIfError(nint status)
    {
        if (status != 0)
        {
            throw ToException(status);
        }
    }

    /// <summary>Reads code and message from a non-null status and releases it.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public OnnxRuntimeException ToException(nint status)
    {
        try
        {
            var code = (OrtErrorCode)GetErrorCode(status);
            var message = Marshal.PtrToStringUTF8((nint)GetErrorMessage(status)) ?? string.Empty;
            return new OnnxRuntimeException(code, message);
        }
        finally
        {
            ReleaseStatus(status);
        }
    }

    /// <summary>Frees memory that ONNX Runtime allocated with the default allocator.</summary>
    public void FreeWithDefaultAllocator(void* memory)
    {
        if (memory != null)
        {
            ThrowIfError(AllocatorFree(DefaultAllocator, memory));
        }
    }

    /// <summary>Copies a null-terminated UTF-8 string.</summary>
    public static string Utf8ToString(byte* text) =>
        text == null ? string.Empty : Marshal.PtrToStringUTF8((nint)text) ?? string.Empty;
}
