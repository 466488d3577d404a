using System.Collections.ObjectModel;
using OrleansInference.OnnxRuntime.Native;

namespace OrleansInference.OnnxRuntime;

/// <summary>
/// A loaded model. <c>Run</c> may be called from many threads at once without locking (ONNX
/// Runtime allows concurrent runs on one session). Create through
/// <see cref="OrtEnvironment.CreateSession(string, SessionOptions?)"/>.
/// </summary>
public sealed unsafe partial class InferenceSession : IDisposable
{
    private readonly NativeApi _api;
    private readonly SessionHandle _handle;
    private readonly TensorMetadata[] _inputs;
    private readonly TensorMetadata[] _outputs;
    private readonly string[] _outputNames;
    private readonly Dictionary<string, int> _inputIndex;
    private readonly Dictionary<string, int> _outputIndex;
    private volatile bool _disposed;

    // Pre-encoded, null-terminated UTF-8 names inside the block the session handle frees.
    private readonly byte** _inputNamePointers;
    private readonly byte** _outputNamePointers;

    private InferenceSession(NativeApi api, SessionHandle handle, string executionProvider)
    {
        _api = api;
        _handle = handle;
        ExecutionProvider = executionProvider;
        using var lease = new HandleLease(handle);
        _inputs = ReadAllMetadata(api, handle.Pointer, input: true);
        _outputs = ReadAllMetadata(api, handle.Pointer, input: false);
        _outputNames = Array.ConvertAll(_outputs, m => m.Name);
        _inputIndex = IndexByName(_inputs);
        _outputIndex = IndexByName(_outputs);
        InputMetadata = new ReadOnlyCollection<TensorMetadata>(_inputs);
        OutputMetadata = new ReadOnlyCollection<TensorMetadata>(_outputs);

        var block = SessionNameTable.Encode(_inputs, _outputs);
        handle.AttachNames(block);
        _inputNamePointers = (byte**)block;
        _outputNamePointers = _inputNamePointers + _inputs.Length;
    }

    /// <summary>The provider the session runs on: <c>CPU</c>, or <c>CUDA:{device}</c>.</summary>
    public string ExecutionProvider { get; }

    /// <summary>The model's inputs in model order (the order <c>Run</c> expects).</summary>
    public IReadOnlyList<TensorMetadata> InputMetadata { get; }

    /// <summary>The model's outputs in model order.</summary>
    public IReadOnlyList<TensorMetadata> OutputMetadata { get; }

    /// <summary>Position of the input named <paramref name="name"/>, or -1.</summary>
    public int GetInputIndex(string name) => _inputIndex.TryGetValue(name, out var index) ? index : -1;

    /// <summary>Position of the output named <paramref name="name"/>, or -1.</summary>
    public int GetOutputIndex(string name) => _outputIndex.TryGetValue(name, out var index) ? index : -1;

    /// <summary>Releases the session once no run is using it; runs started later throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        _disposed = true;
        _handle.Dispose();
    }

    private static TensorMetadata[] ReadAllMetadata(NativeApi api, nint session, bool input)
    {
        nuint count;
        api.ThrowIfError(input ? api.SessionGetInputCount(session, &count) : api.SessionGetOutputCount(session, &count));
        var result = new TensorMetadata[(int)count];
        for (nuint i = 0; i < count; i++)
        {
            byte* rawName;
            api.ThrowIfError(input
                ? api.SessionGetInputName(session, i, api.DefaultAllocator, &rawName)
                : api.SessionGetOutputName(session, i, api.DefaultAllocator, &rawName));
            string name;
            try
            {
                name = NativeApi.Utf8ToString(rawName);
            }
            finally
            {
                api.FreeWithDefaultAllocator(rawName);
            }

            nint typeInfo;
            api.ThrowIfError(input
                ? api.SessionGetInputTypeInfo(session, i, &typeInfo)
                : api.SessionGetOutputTypeInfo(session, i, &typeInfo));
            using var typeInfoHandle = new TypeInfoHandle(typeInfo);
            result[(int)i] = TensorInfoReader.ReadMetadata(api, name, typeInfo);
        }

        return result;
    }

    private static Dictionary<string, int> IndexByName(TensorMetadata[] metadata)
    {
        var index = new Dictionary<string, int>(metadata.Length, StringComparer.Ordinal);
        for (var i = 0; i < metadata.Length; i++)
        {
            index[metadata[i].Name] = i;
        }

        return index;
    }

    private static string JoinNames(TensorMetadata[] metadata) =>
        "[" + string.Join(", ", Array.ConvertAll(metadata, m => m.Name)) + "]";
}
