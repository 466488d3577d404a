using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;

namespace OrleansInference.OnnxRuntime.Native;

/// <summary>
/// Receives ONNX Runtime's log messages and forwards them to the loggers of live environments.
/// </summary>
/// <remarks>
/// ONNX Runtime keeps one native environment per process: a second <c>CreateEnv*</c> call returns
/// the same environment (reference-counted) and ignores its logging arguments. The callback's
/// context therefore cannot belong to one <see cref="OrtEnvironment"/>; it is this router, created
/// with the process-wide <see cref="NativeApi"/> and never freed. Each environment registers its
/// logger while its native handle is alive.
/// </remarks>
internal sealed unsafe class OrtLogRouter
{
    private readonly Lock _gate = new();
    private ILogger[] _loggers = [];

    public void Register(ILogger logger)
    {
        lock (_gate)
        {
            _loggers = [.. _loggers, logger];
        }
    }

    public void Unregister(ILogger logger)
    {
        lock (_gate)
        {
            var index = Array.IndexOf(_loggers, logger);
            if (index >= 0)
            {
                var copy = new List<ILogger>(_loggers);
                copy.RemoveAt(index);
                _loggers = [.. copy];
            }
        }
    }

    /// <summary>The native callback; <paramref name="param"/> is a <see cref="GCHandle"/> to the router.</summary>
    [UnmanagedCallersOnly]
    public static void OnLog(nint param, int severity, byte* category, byte* logId, byte* codeLocation, byte* message)
    {
        try
        {
            if (GCHandle.FromIntPtr(param).Target is not OrtLogRouter router)
            {
                return;
            }

            var loggers = Volatile.Read(ref router._loggers);
            var level = ToLogLevel(severity);
            string? text = null;
            string categoryText = string.Empty, logIdText = string.Empty, locationText = string.Empty;
            foreach (var logger in loggers)
            {
                if (!logger.IsEnabled(level))
                {
                    continue;
                }

                if (text is null)
                {
                    text = Utf8(message);
                    categoryText = Utf8(category);
                    logIdText = Utf8(logId);
                    locationText = Utf8(codeLocation);
                }

                OrtEnvironment.Log.NativeMessage(logger, level, categoryText, logIdText, locationText, text);
            }
        }
#pragma warning disable CA1031 // An exception must never unwind into native code.
        catch
        {
        }
#pragma warning restore CA1031
    }

    /// <summary>Maps a <c>OrtLoggingLevel</c> to a <see cref="LogLevel"/>.</summary>
    public static LogLevel ToLogLevel(int severity) => severity switch
    {
        0 => LogLevel.Trace,
        1 => LogLevel.Information,
        2 => LogLevel.Warning,
        3 => LogLevel.Error,
        _ => LogLevel.Critical,
    };

    /// <summary>Maps a minimum <see cref="LogLevel"/> to the <c>OrtLoggingLevel</c> that produces it.</summary>
    public static int ToOrtSeverity(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => 0,
        LogLevel.Information => 1,
        LogLevel.Warning => 2,
        LogLevel.Error => 3,
        _ => 4,
    };

    private static string Utf8(byte* text) =>
        text == null ? string.Empty : Encoding.UTF8.GetString(MemoryMarshal.CreateReadOnlySpanFromNullTerminated(text));
}
