namespace OrleansInference.Grid.Repository;

/// <summary>The model version being written already exists.</summary>
public sealed class ModelRepositoryConflictException : ModelRepositoryException
{
    public ModelRepositoryConflictException(string message)
        : base(message)
    {
    }

    public ModelRepositoryConflictException()
    {
    }

    public ModelRepositoryConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
