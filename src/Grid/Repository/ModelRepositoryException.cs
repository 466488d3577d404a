namespace OrleansInference.Grid.Repository;

/// <summary>A model repository entry is missing, invalid or refused. The message names the entry and the problem.</summary>
public class ModelRepositoryException : Exception
{
    public ModelRepositoryException(string message)
        : base(message)
    {
    }

    public ModelRepositoryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ModelRepositoryException()
    {
    }
}
