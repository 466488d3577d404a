using Microsoft.Extensions.Logging;

namespace OrleansInference.OnnxRuntime;

/// <summary>Settings for the process's ONNX Runtime environment, taken by the first <see cref="OnnxSessionFactory"/> created.</summary>
public sealed class OrtEnvironmentOptions
{
    /// <summary>Identifier ONNX Runtime puts in its log messages. Default <c>OrleansInference</c>.</summary>
    public string LogId { get; set; } = "OrleansInference";

    /// <summary>
    /// Least severe message ONNX Runtime writes (to standard error). Default <see cref="LogLevel.Warning"/>.
    /// ONNX Runtime has one environment per process; the first factory created sets it.
    /// </summary>
    public LogLevel MinimumLogLevel { get; set; } = LogLevel.Warning;
}
