using OrleansInference.Grid.Repository;

namespace OrleansInference.Grains.Execution;

/// <summary>Creates the runner of a model version from its repository artifacts.</summary>
public interface IModelRunnerFactory
{
    /// <summary>Loads <paramref name="descriptor"/>'s model into <paramref name="instances"/> sessions.</summary>
    IModelRunner Create(ModelVersionDescriptor descriptor, int instances);
}
