using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;

namespace OrleansInference.OnnxRuntime;

/// <summary>
/// Creates ONNX Runtime sessions with the project's settings and execution-provider choice: CPU always; CUDA when
/// asked, falling back to CPU (logged once per created session, with ONNX Runtime's reason) when the provider cannot
/// be added or initialized and <see cref="SessionSettings.AllowCpuFallback"/> is on, failing with
/// <see cref="ExecutionProviderUnavailableException"/> otherwise. Registered as a singleton by
/// <see cref="OnnxRuntimeServiceCollectionExtensions.AddOnnxRuntime"/>.
/// </summary>
/// <remarks>
/// ONNX Runtime keeps one environment per process; the first factory creates it with its
/// <see cref="OrtEnvironmentOptions"/>, later factories (tests create several hosts) share it. The environment lives
/// until the process exits: sessions of any host may still use it.
/// </remarks>
public sealed partial class OnnxSessionFactory
{
    private const string CpuProvider = "CPU";
    private static readonly Lock s_environmentGate = new();
    private readonly ILogger _logger;

    /// <summary>Creates the process's ONNX Runtime environment if none exists yet.</summary>
    public OnnxSessionFactory(OrtEnvironmentOptions? options = null, ILogger<OnnxSessionFactory>? logger = null)
    {
        options ??= new OrtEnvironmentOptions();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        Environment = GetOrCreateEnvironment(options);
        Version = Environment.GetVersionString();
        Log.EnvironmentCreated(_logger, Version);
    }

    /// <summary>The process's ONNX Runtime environment.</summary>
    public OrtEnv Environment { get; }

    /// <summary>The ONNX Runtime version, for example <c>1.32.0</c>.</summary>
    public string Version { get; }

    /// <summary>Creates a session from serialized model bytes.</summary>
    /// <exception cref="OnnxRuntimeException">The bytes are not a model ONNX Runtime can load.</exception>
    /// <exception cref="ExecutionProviderUnavailableException">CUDA was asked for, is unavailable, and fallback is off.</exception>
    public CreatedSession Create(byte[] model, SessionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Length == 0)
        {
            throw new ArgumentException("The model bytes are empty.", nameof(model));
        }

        return Create(settings, options => new InferenceSession(model, options));
    }

    /// <summary>Creates a session from an ONNX model file.</summary>
    /// <exception cref="OnnxRuntimeException">The file is missing or is not a model ONNX Runtime can load.</exception>
    /// <exception cref="ExecutionProviderUnavailableException">CUDA was asked for, is unavailable, and fallback is off.</exception>
    public CreatedSession Create(string modelPath, SessionSettings settings)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        return Create(settings, options => new InferenceSession(modelPath, options));
    }

    private CreatedSession Create(SessionSettings settings, Func<SessionOptions, InferenceSession> load)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfNegative(settings.IntraOpNumThreads, nameof(settings.IntraOpNumThreads));
        ArgumentOutOfRangeException.ThrowIfNegative(settings.InterOpNumThreads, nameof(settings.InterOpNumThreads));
        ArgumentOutOfRangeException.ThrowIfNegative(settings.CudaDeviceId, nameof(settings.CudaDeviceId));
        if (settings.ExecutionProvider != ExecutionProviderKind.Cuda)
        {
            return LoadOnCpu(settings, load, fallbackReason: null);
        }

        var cuda = TryLoadOnCuda(settings, load, out var failure);
        if (cuda is not null)
        {
            return cuda;
        }

        var reason = $"The CUDA execution provider (device {settings.CudaDeviceId}) could not be used: {failure!.Message}";
        if (!settings.AllowCpuFallback)
        {
            throw new ExecutionProviderUnavailableException(
                $"{reason} Falling back to CPU is off (OnnxRuntime:AllowCpuFallback=false), so the model was not loaded.", failure);
        }

        var created = LoadOnCpu(settings, load, reason);
        Log.CudaUnavailable(_logger, settings.LogId ?? string.Empty, settings.CudaDeviceId, failure.Message);
        return created;
    }

    private CreatedSession? TryLoadOnCuda(SessionSettings settings, Func<SessionOptions, InferenceSession> load, out Exception? failure)
    {
        failure = null;
        using var options = BuildOptions(settings);
        try
        {
            // The CPU package lacks the CUDA entry point; the GPU package throws when CUDA or cuDNN is missing.
            options.AppendExecutionProvider_CUDA(settings.CudaDeviceId);
        }
        catch (Exception ex) when (ex is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
        {
            failure = ex;
            return null;
        }

        try
        {
            var session = load(options);
            var provider = "CUDA:" + settings.CudaDeviceId.ToString(CultureInfo.InvariantCulture);
            Log.SessionCreated(_logger, settings.LogId ?? string.Empty, provider);
            return new CreatedSession(session, provider, ExecutionProviderKind.Cuda, null);
        }
        catch (OnnxRuntimeException ex)
        {
            // The provider was added but failed to initialize, or the model itself is bad: loading on CPU tells which.
            failure = ex;
            return null;
        }
    }

    private CreatedSession LoadOnCpu(SessionSettings settings, Func<SessionOptions, InferenceSession> load, string? fallbackReason)
    {
        using var options = BuildOptions(settings);
        var session = load(options);
        Log.SessionCreated(_logger, settings.LogId ?? string.Empty, CpuProvider);
        return new CreatedSession(session, CpuProvider, ExecutionProviderKind.Cpu, fallbackReason);
    }

    private static SessionOptions BuildOptions(SessionSettings settings)
    {
        var options = new SessionOptions();
        try
        {
            options.IntraOpNumThreads = settings.IntraOpNumThreads;
            options.InterOpNumThreads = settings.InterOpNumThreads;
            options.GraphOptimizationLevel = settings.GraphOptimizationLevel switch
            {
                GraphOptimizationLevel.DisableAll => Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_DISABLE_ALL,
                GraphOptimizationLevel.Basic => Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_ENABLE_BASIC,
                GraphOptimizationLevel.Extended => Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
                _ => Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_ENABLE_ALL,
            };
            if (!string.IsNullOrEmpty(settings.LogId))
            {
                options.LogId = settings.LogId;
            }

            foreach (var (key, value) in settings.ConfigEntries)
            {
                options.AddSessionConfigEntry(key, value);
            }

            return options;
        }
        catch
        {
            options.Dispose();
            throw;
        }
    }

    private static OrtEnv GetOrCreateEnvironment(OrtEnvironmentOptions options)
    {
        lock (s_environmentGate)
        {
            if (OrtEnv.IsCreated)
            {
                return OrtEnv.Instance();
            }

            var creation = new EnvironmentCreationOptions
            {
                logId = options.LogId,
                logLevel = options.MinimumLogLevel switch
                {
                    LogLevel.Trace or LogLevel.Debug => OrtLoggingLevel.ORT_LOGGING_LEVEL_VERBOSE,
                    LogLevel.Information => OrtLoggingLevel.ORT_LOGGING_LEVEL_INFO,
                    LogLevel.Warning => OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING,
                    LogLevel.Error => OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
                    _ => OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL,
                },
            };
            return OrtEnv.CreateInstanceWithOptions(ref creation);
        }
    }
}
