namespace OrleansInference.Contracts.Experiments;

/// <summary>An experiment operation was refused; <see cref="Kind"/> says why and the message names the field or state.</summary>
public sealed class ExperimentException : Exception
{
    public ExperimentException(ExperimentErrorKind kind, string message)
        : base(message) => Kind = kind;

    public ExperimentException()
    {
    }

    public ExperimentException(string message)
        : base(message)
    {
    }

    public ExperimentException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Why the operation was refused.</summary>
    public ExperimentErrorKind Kind { get; }
}
