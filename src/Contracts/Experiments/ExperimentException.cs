using Orleans;

namespace OrleansInference.Contracts.Experiments;

/// <summary>An experiment operation was refused; <see cref="Kind"/> says why and the message names the field or state.</summary>
[GenerateSerializer]
[Alias("oi.ExperimentException")]
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
    [Id(0)]
    public ExperimentErrorKind Kind { get; }
}
