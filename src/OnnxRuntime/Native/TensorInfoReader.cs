namespace OrleansInference.OnnxRuntime.Native;

/// <summary>Reads element type, shape and symbolic dimensions from an <c>OrtTensorTypeAndShapeInfo</c>.</summary>
internal static unsafe class TensorInfoReader
{
    public static (TensorElementType Type, long[] Shape) ReadTypeAndShape(NativeApi api, nint info)
    {
        int type;
        api.ThrowIfError(api.GetTensorElementType(info, &type));
        nuint rank;
        api.ThrowIfError(api.GetDimensionsCount(info, &rank));
        var shape = new long[(int)rank];
        if (rank > 0)
        {
            fixed (long* dims = shape)
            {
                api.ThrowIfError(api.GetDimensions(info, dims, rank));
            }
        }

        return ((TensorElementType)type, shape);
    }

    public static string[] ReadSymbolicDimensions(NativeApi api, nint info, int rank)
    {
        var names = new string[rank];
        if (rank == 0)
        {
            return names;
        }

        var pointers = new nint[rank];
        fixed (nint* p = pointers)
        {
            api.ThrowIfError(api.GetSymbolicDimensions(info, (byte**)p, (nuint)rank));
        }

        // The strings are owned by the info object; copy them.
        for (var i = 0; i < rank; i++)
        {
            names[i] = NativeApi.Utf8ToString((byte*)pointers[i]);
        }

        return names;
    }

    /// <summary>Reads a session input or output; non-tensor values get <see cref="TensorElementType.Undefined"/>.</summary>
    public static TensorMetadata ReadMetadata(NativeApi api, string name, nint typeInfo)
    {
        nint tensorInfo;
        api.ThrowIfError(api.CastTypeInfoToTensorInfo(typeInfo, &tensorInfo));
        if (tensorInfo == 0)
        {
            return new TensorMetadata(name, TensorElementType.Undefined, [], []);
        }

        // tensorInfo belongs to typeInfo and is not released separately.
        var (type, shape) = ReadTypeAndShape(api, tensorInfo);
        var symbolic = ReadSymbolicDimensions(api, tensorInfo, shape.Length);
        for (var i = 0; i < shape.Length; i++)
        {
            if (shape[i] >= 0)
            {
                symbolic[i] = string.Empty;
            }
        }

        return new TensorMetadata(name, type, shape, symbolic);
    }
}
