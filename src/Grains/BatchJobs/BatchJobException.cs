using Orleans;

namespace OrleansInference.Grains.BatchJobs;

/// <summary>A condition that fails a whole batch job (unreadable input, model failure, error budget exceeded); the message is shown to clients.</summary>
[GenerateSerializer]
[Alias("oi.BatchJobException")]
public sealed class BatchJobException : Exception
{
    public BatchJobException(string message)
        : base(message)
    {
    }

    public BatchJobException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public BatchJobException()
    {
    }
}
