using Orleans;

namespace OrleansInference.Contracts.Models;

/// <summary>A management operation on a model could not be carried out; the message names the model and the reason.</summary>
[GenerateSerializer]
[Alias("oi.ModelOperationException")]
public sealed class ModelOperationException : Exception
{
    public ModelOperationException(string message)
        : base(message)
    {
    }

    public ModelOperationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ModelOperationException()
    {
    }
}
