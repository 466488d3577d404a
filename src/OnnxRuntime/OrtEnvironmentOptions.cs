using Microsoft.Extensions.Logging;

namespace OrleansInference.OnnxRuntime;

/// <summary>Settings for an <see cref="OrtEnvironment"/>.</summary>
public sealed class OrtEnvironmentOptions
{
    /// <summary>Identifier ONNX Runtime puts in its log messages. Default <c>OrleansInference</c>.</summary>
    public string LogId { get; set; } = "OrleansInference";

    /// <summary>
    /// Least severe ONNX Runtime message forwarded to the logger. Default <see cref="LogLevel.Warning"/>.
    /// ONNX Runtime has one native environment per process and takes this from the first
    /// environment created while none is alive.
    /// </summary>
    public LogLevel MinimumLogLevel { get; set; } = LogLevel.Warning;
}
