namespace OrleansInference.OnnxRuntime;

/// <summary>The configured execution provider could not be used and falling back to CPU is not allowed.</summary>
public sealed class ExecutionProviderUnavailableException : Exception
{
    public ExecutionProviderUnavailableException()
        : base("The execution provider is not available.")
    {
    }

    public ExecutionProviderUnavailableException(string message)
        : base(message)
    {
    }

    public ExecutionProviderUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
