using System.Runtime.InteropServices;
using System.Text;

namespace OrleansInference.OnnxRuntime.Native;

/// <summary>
/// Encodes a session's input and output names once into one native block: input pointers, then
/// output pointers, then the null-terminated UTF-8 bytes they point to.
/// </summary>
internal static unsafe class SessionNameTable
{
    /// <summary>Returns a block from <see cref="NativeMemory.Alloc(nuint)"/>; the caller frees it.</summary>
    public static void* Encode(TensorMetadata[] inputs, TensorMetadata[] outputs)
    {
        var pointerCount = inputs.Length + outputs.Length;
        var textBytes = 0;
        foreach (var m in inputs)
        {
            textBytes += Encoding.UTF8.GetByteCount(m.Name) + 1;
        }

        foreach (var m in outputs)
        {
            textBytes += Encoding.UTF8.GetByteCount(m.Name) + 1;
        }

        var pointersBytes = pointerCount * sizeof(nint);
        var block = (byte*)NativeMemory.AllocZeroed((nuint)(pointersBytes + textBytes + 1));
        var pointers = (byte**)block;
        var text = block + pointersBytes;
        var index = 0;
        foreach (var m in inputs)
        {
            pointers[index++] = text;
            text = Write(m.Name, text);
        }

        foreach (var m in outputs)
        {
            pointers[index++] = text;
            text = Write(m.Name, text);
        }

        return block;
    }

    private static byte* Write(string name, byte* destination)
    {
        var count = Encoding.UTF8.GetByteCount(name);
        Encoding.UTF8.GetBytes(name, new Span<byte>(destination, count));
        destination[count] = 0;
        return destination + count + 1;
    }
}
