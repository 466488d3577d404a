using Microsoft.Extensions.Logging;

namespace OrleansInference.OnnxRuntime;

public sealed partial class OrtEnvironment
{
    internal static partial class Log
    {
        [LoggerMessage(EventId = OrtEventIds.NativeMessage, Message = "ONNX Runtime [{Category}] {LogId} {CodeLocation}: {NativeText}")]
        public static partial void NativeMessage(ILogger logger, LogLevel level, string category, string logId, string codeLocation, string nativeText);

        [LoggerMessage(EventId = OrtEventIds.EnvironmentCreated, Level = LogLevel.Information, Message = "ONNX Runtime {Version} loaded from {LibraryPath}.")]
        public static partial void EnvironmentCreated(ILogger logger, string version, string libraryPath);

        [LoggerMessage(EventId = OrtEventIds.CudaUnavailable, Level = LogLevel.Warning, Message = "The CUDA execution provider (device {DeviceId}) could not be added; the session runs on CPU. ONNX Runtime said: {NativeText}")]
        public static partial void CudaUnavailable(ILogger logger, int deviceId, string nativeText);

        [LoggerMessage(EventId = OrtEventIds.CudaSessionFailed, Level = LogLevel.Warning, Message = "Creating the session with the CUDA execution provider (device {DeviceId}) failed; retrying on CPU. ONNX Runtime said: {NativeText}")]
        public static partial void CudaSessionFailed(ILogger logger, int deviceId, string nativeText);

        [LoggerMessage(EventId = OrtEventIds.SessionCreated, Level = LogLevel.Debug, Message = "Session created on {ExecutionProvider} with {InputCount} inputs and {OutputCount} outputs.")]
        public static partial void SessionCreated(ILogger logger, string executionProvider, int inputCount, int outputCount);
    }
}
