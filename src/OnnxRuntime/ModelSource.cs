namespace OrleansInference.OnnxRuntime;

/// <summary>Where a session's model comes from: a file path or bytes in memory.</summary>
internal readonly record struct ModelSource(string? Path, ReadOnlyMemory<byte> Bytes)
{
    public static ModelSource FromPath(string path) => new(path, default);

    public static ModelSource FromBytes(ReadOnlyMemory<byte> bytes) => new(null, bytes);
}
