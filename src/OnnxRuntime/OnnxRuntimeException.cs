namespace OrleansInference.OnnxRuntime;

/// <summary>An error reported by ONNX Runtime, with its error code and message.</summary>
public sealed class OnnxRuntimeException : Exception
{
    public OnnxRuntimeException()
        : this(OrtErrorCode.Fail, "ONNX Runtime reported an error.")
    {
    }

    public OnnxRuntimeException(string message)
        : this(OrtErrorCode.Fail, message)
    {
    }

    public OnnxRuntimeException(string message, Exception innerException)
        : base(message, innerException)
    {
        ErrorCode = OrtErrorCode.Fail;
        NativeMessage = message;
    }

    /// <summary>Creates the exception for a failed ONNX Runtime call.</summary>
    public OnnxRuntimeException(OrtErrorCode errorCode, string nativeMessage)
        : base($"ONNX Runtime error {errorCode}: {nativeMessage}")
    {
        ErrorCode = errorCode;
        NativeMessage = nativeMessage;
    }

    /// <summary>ONNX Runtime's error code.</summary>
    public OrtErrorCode ErrorCode { get; }

    /// <summary>ONNX Runtime's message, unchanged.</summary>
    public string NativeMessage { get; }
}
