using Microsoft.Extensions.Logging;

namespace OrleansInference.OnnxRuntime;

public sealed partial class OnnxSessionFactory
{
    private static partial class Log
    {
        [LoggerMessage(EventId = OrtEventIds.EnvironmentCreated, Level = LogLevel.Information, Message = "ONNX Runtime {Version} ready.")]
        public static partial void EnvironmentCreated(ILogger logger, string version);

        [LoggerMessage(EventId = OrtEventIds.CudaUnavailable, Level = LogLevel.Warning, Message = "Session '{LogId}' asked for the CUDA execution provider (device {DeviceId}) and runs on CPU instead. ONNX Runtime said: {Reason}")]
        public static partial void CudaUnavailable(ILogger logger, string logId, int deviceId, string reason);

        [LoggerMessage(EventId = OrtEventIds.SessionCreated, Level = LogLevel.Debug, Message = "Session '{LogId}' created on {ExecutionProvider}.")]
        public static partial void SessionCreated(ILogger logger, string logId, string executionProvider);
    }
}
