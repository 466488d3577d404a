namespace OrleansInference.Grid.Repository;

/// <summary>
/// The shared model repository's storage (an S3 bucket) could not be reached or refused the request. A failure of the
/// storage, not of the model: the message names the storage, the version and what went wrong.
/// </summary>
public sealed class ModelRepositoryUnavailableException : ModelRepositoryException
{
    public ModelRepositoryUnavailableException(string message)
        : base(message)
    {
    }

    public ModelRepositoryUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ModelRepositoryUnavailableException()
    {
    }
}
