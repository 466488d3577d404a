using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansInference.OnnxRuntime.Native;

namespace OrleansInference.OnnxRuntime;

/// <summary>
/// The ONNX Runtime environment a host owns (one per host, registered as a singleton and disposed
/// at shutdown). Creates sessions; routes ONNX Runtime's log messages to <see cref="ILogger"/>.
/// </summary>
/// <remarks>
/// ONNX Runtime itself keeps a single native environment per process, reference-counted: every
/// <see cref="OrtEnvironment"/> holds one reference, so several may exist (tests create many) and
/// the native environment goes away with the last. While several are alive, native log messages go
/// to all of their loggers. Disposing an environment while sessions are open is safe: each session
/// keeps the native environment alive until it is disposed itself.
/// </remarks>
public sealed partial class OrtEnvironment : IDisposable
{
    private readonly EnvironmentHandle _handle;
    private readonly NativeApi _api;
    private volatile bool _disposed;

    /// <summary>Loads ONNX Runtime if needed and creates the environment.</summary>
    /// <exception cref="DllNotFoundException">The native library is missing; the message lists where it was looked for.</exception>
    public OrtEnvironment(OrtEnvironmentOptions? options = null, ILogger<OrtEnvironment>? logger = null)
    {
        options ??= new OrtEnvironmentOptions();
        Logger = (ILogger?)logger ?? NullLogger.Instance;
        _api = NativeApi.Instance;
        _handle = CreateHandle(_api, options, Logger);
        Log.EnvironmentCreated(Logger, _api.Version, _api.LibraryPath);
    }

    /// <summary>The ONNX Runtime version, for example <c>1.29.0</c>.</summary>
    public string Version => _api.Version;

    /// <summary>The path <c>libonnxruntime.so.1</c> was loaded from.</summary>
    public string LibraryPath => _api.LibraryPath;

    internal ILogger Logger { get; }

    internal EnvironmentHandle Handle => _handle;

    /// <summary>Execution providers compiled into the library (not necessarily usable), for example <c>CPUExecutionProvider</c>.</summary>
    public unsafe IReadOnlyList<string> GetAvailableProviders()
    {
        byte** names;
        int count;
        _api.ThrowIfError(_api.GetAvailableProviders(&names, &count));
        try
        {
            var result = new string[count];
            for (var i = 0; i < count; i++)
            {
                result[i] = NativeApi.Utf8ToString(names[i]);
            }

            return result;
        }
        finally
        {
            _api.ThrowIfError(_api.ReleaseAvailableProviders(names, count));
        }
    }

    /// <summary>Creates a session from an ONNX model file.</summary>
    /// <exception cref="OnnxRuntimeException">The file is missing or is not a valid model.</exception>
    public InferenceSession CreateSession(string modelPath, SessionOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return InferenceSession.Create(this, ModelSource.FromPath(modelPath), options ?? new SessionOptions());
    }

    /// <summary>Creates a session from serialized ONNX model bytes (copied by ONNX Runtime; the span may be reused afterwards).</summary>
    /// <exception cref="OnnxRuntimeException">The bytes are not a valid model.</exception>
    public InferenceSession CreateSession(ReadOnlyMemory<byte> model, SessionOptions? options = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (model.IsEmpty)
        {
            throw new ArgumentException("The model bytes are empty.", nameof(model));
        }

        return InferenceSession.Create(this, ModelSource.FromBytes(model), options ?? new SessionOptions());
    }

    /// <summary>Releases this environment's reference; open sessions keep the native environment until they are disposed.</summary>
    public void Dispose()
    {
        _disposed = true;
        _handle.Dispose();
    }

    private static unsafe EnvironmentHandle CreateHandle(NativeApi api, OrtEnvironmentOptions options, ILogger logger)
    {
        var logId = Encoding.UTF8.GetBytes(options.LogId + "\0");
        api.LogRouter.Register(logger);
        try
        {
            nint env;
            fixed (byte* id = logId)
            {
                api.ThrowIfError(api.CreateEnvWithCustomLogger(
                    api.LogCallback,
                    api.LogRouterHandle,
                    OrtLogRouter.ToOrtSeverity(options.MinimumLogLevel),
                    id,
                    &env));
            }

            return new EnvironmentHandle(env, logger);
        }
        catch
        {
            api.LogRouter.Unregister(logger);
            throw;
        }
    }
}
