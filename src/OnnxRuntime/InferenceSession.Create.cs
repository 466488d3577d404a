using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using OrleansInference.OnnxRuntime.Native;

namespace OrleansInference.OnnxRuntime;

public sealed unsafe partial class InferenceSession
{
    private const string CpuProvider = "CPU";

    internal static InferenceSession Create(OrtEnvironment environment, ModelSource source, SessionOptions options)
    {
        var api = NativeApi.Instance;
        var logger = environment.Logger;
        SessionHandle handle;
        string provider;
        using (var nativeOptions = BuildOptions(api, options, logger, out provider))
        {
            try
            {
                handle = CreateHandle(api, environment.Handle, source, nativeOptions);
            }
            catch (OnnxRuntimeException ex) when (provider != CpuProvider)
            {
                // The CUDA provider can be added yet fail at initialization (driver or library missing).
                OrtEnvironment.Log.CudaSessionFailed(logger, options.CudaDeviceId, ex.NativeMessage);
                var cpuOnly = CopyForCpu(options);
                using var cpuOptions = BuildOptions(api, cpuOnly, logger, out provider);
                handle = CreateHandle(api, environment.Handle, source, cpuOptions);
            }
        }

        try
        {
            var session = new InferenceSession(api, handle, provider);
            OrtEnvironment.Log.SessionCreated(logger, provider, session._inputs.Length, session._outputs.Length);
            return session;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static SessionOptionsHandle BuildOptions(NativeApi api, SessionOptions options, ILogger logger, out string provider)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(options.IntraOpNumThreads, nameof(options.IntraOpNumThreads));
        ArgumentOutOfRangeException.ThrowIfNegative(options.InterOpNumThreads, nameof(options.InterOpNumThreads));
        ArgumentOutOfRangeException.ThrowIfNegative(options.CudaDeviceId, nameof(options.CudaDeviceId));

        nint raw;
        api.ThrowIfError(api.CreateSessionOptions(&raw));
        var handle = new SessionOptionsHandle(raw);
        try
        {
            api.ThrowIfError(api.SetIntraOpNumThreads(raw, options.IntraOpNumThreads));
            api.ThrowIfError(api.SetInterOpNumThreads(raw, options.InterOpNumThreads));
            api.ThrowIfError(api.SetSessionGraphOptimizationLevel(raw, (int)options.GraphOptimizationLevel));
            api.ThrowIfError(api.SetSessionExecutionMode(raw, (int)options.ExecutionMode));
            api.ThrowIfError(options.EnableCpuMemArena ? api.EnableCpuMemArena(raw) : api.DisableCpuMemArena(raw));
            api.ThrowIfError(options.EnableMemPattern ? api.EnableMemPattern(raw) : api.DisableMemPattern(raw));
            if (!string.IsNullOrEmpty(options.OptimizedModelFilePath))
            {
                fixed (byte* path = Utf8(options.OptimizedModelFilePath))
                {
                    api.ThrowIfError(api.SetOptimizedModelFilePath(raw, path));
                }
            }

            if (!string.IsNullOrEmpty(options.LogId))
            {
                fixed (byte* logId = Utf8(options.LogId))
                {
                    api.ThrowIfError(api.SetSessionLogId(raw, logId));
                }
            }

            foreach (var (key, value) in options.ConfigEntries)
            {
                fixed (byte* k = Utf8(key))
                fixed (byte* v = Utf8(value))
                {
                    api.ThrowIfError(api.AddSessionConfigEntry(raw, k, v));
                }
            }

            provider = CpuProvider;
            if (options.ExecutionProvider == ExecutionProviderKind.Cuda)
            {
                var cuda = OrtCudaProviderOptions.CreateDefault(options.CudaDeviceId);
                var status = api.SessionOptionsAppendExecutionProviderCuda(raw, &cuda);
                if (status == 0)
                {
                    provider = "CUDA:" + options.CudaDeviceId.ToString(CultureInfo.InvariantCulture);
                }
                else
                {
                    var error = api.ToException(status);
                    OrtEnvironment.Log.CudaUnavailable(logger, options.CudaDeviceId, error.NativeMessage);
                }
            }

            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static SessionHandle CreateHandle(NativeApi api, EnvironmentHandle environment, ModelSource source, SessionOptionsHandle options)
    {
        // The reference taken here passes to the session handle, which drops it after ReleaseSession.
        var added = false;
        environment.DangerousAddRef(ref added);
        try
        {
            using var optionsLease = new HandleLease(options);
            nint session;
            if (source.Path is { } path)
            {
                fixed (byte* p = Utf8(path))
                {
                    api.ThrowIfError(api.CreateSession(environment.Pointer, p, options.Pointer, &session));
                }
            }
            else
            {
                fixed (byte* data = source.Bytes.Span)
                {
                    api.ThrowIfError(api.CreateSessionFromArray(
                        environment.Pointer, data, (nuint)source.Bytes.Length, options.Pointer, &session));
                }
            }

            return new SessionHandle(session, environment);
        }
        catch
        {
            if (added)
            {
                environment.DangerousRelease();
            }

            throw;
        }
    }

    private static SessionOptions CopyForCpu(SessionOptions options)
    {
        var copy = new SessionOptions
        {
            IntraOpNumThreads = options.IntraOpNumThreads,
            InterOpNumThreads = options.InterOpNumThreads,
            GraphOptimizationLevel = options.GraphOptimizationLevel,
            ExecutionMode = options.ExecutionMode,
            EnableCpuMemArena = options.EnableCpuMemArena,
            EnableMemPattern = options.EnableMemPattern,
            OptimizedModelFilePath = options.OptimizedModelFilePath,
            LogId = options.LogId,
            ExecutionProvider = ExecutionProviderKind.Cpu,
        };
        foreach (var (key, value) in options.ConfigEntries)
        {
            copy.ConfigEntries[key] = value;
        }

        return copy;
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text + "\0");
}
