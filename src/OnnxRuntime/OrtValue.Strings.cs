using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using OrleansInference.OnnxRuntime.Native;

namespace OrleansInference.OnnxRuntime;

public sealed unsafe partial class OrtValue
{
    /// <summary>A string tensor; ONNX Runtime copies the strings (UTF-8).</summary>
    public static OrtValue CreateStringTensor(ReadOnlySpan<string> values, params ReadOnlySpan<long> shape)
    {
        var shapeCopy = shape.ToArray();
        var count = CountElements(shapeCopy);
        if (count != values.Length)
        {
            throw new ArgumentException(
                $"Shape {TensorMetadata.FormatShape(shapeCopy)} describes {count} elements; {values.Length} strings were given.", nameof(values));
        }

        var api = NativeApi.Instance;
        nint raw;
        fixed (long* dims = shapeCopy)
        {
            api.ThrowIfError(api.CreateTensorAsOrtValue(api.DefaultAllocator, dims, (nuint)shapeCopy.Length, (int)TensorElementType.String, &raw));
        }

        var value = new OrtValue(new ValueHandle(raw), TensorElementType.String, shapeCopy, count, null);
        try
        {
            if (values.Length > 0)
            {
                FillStrings(api, raw, values);
            }

            return value;
        }
        catch
        {
            value.Dispose();
            throw;
        }
    }

    /// <summary>Copies the elements of a string tensor.</summary>
    public string[] GetStrings()
    {
        if (ElementType != TensorElementType.String)
        {
            throw new InvalidOperationException($"The tensor holds {ElementType.ToDisplayName()} elements, not strings.");
        }

        var count = checked((int)_elementCount);
        var result = new string[count];
        if (count == 0)
        {
            return result;
        }

        using var lease = new HandleLease(Handle);
        nuint length;
        _api.ThrowIfError(_api.GetStringTensorDataLength(Handle.Pointer, &length));
        var bytes = ArrayPool<byte>.Shared.Rent(Math.Max(1, checked((int)length)));
        var offsets = ArrayPool<nuint>.Shared.Rent(count);
        try
        {
            fixed (byte* text = bytes)
            fixed (nuint* starts = offsets)
            {
                _api.ThrowIfError(_api.GetStringTensorContent(Handle.Pointer, text, length, starts, (nuint)count));
            }

            for (var i = 0; i < count; i++)
            {
                var start = (int)offsets[i];
                var end = i + 1 < count ? (int)offsets[i + 1] : (int)length;
                result[i] = Encoding.UTF8.GetString(bytes, start, end - start);
            }

            return result;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
            ArrayPool<nuint>.Shared.Return(offsets);
        }
    }

    private static void FillStrings(NativeApi api, nint value, ReadOnlySpan<string> values)
    {
        // One native block: the pointer array, then each string null-terminated.
        var textBytes = 0;
        foreach (var s in values)
        {
            ArgumentNullException.ThrowIfNull(s, nameof(values));
            textBytes += Encoding.UTF8.GetByteCount(s) + 1;
        }

        var pointerBytes = values.Length * sizeof(nint);
        var block = (byte*)NativeMemory.Alloc((nuint)(pointerBytes + textBytes));
        try
        {
            var pointers = (byte**)block;
            var text = block + pointerBytes;
            for (var i = 0; i < values.Length; i++)
            {
                pointers[i] = text;
                var written = Encoding.UTF8.GetBytes(values[i], new Span<byte>(text, textBytes));
                text[written] = 0;
                text += written + 1;
                textBytes -= written + 1;
            }

            api.ThrowIfError(api.FillStringTensor(value, pointers, (nuint)values.Length));
        }
        finally
        {
            NativeMemory.Free(block);
        }
    }
}
