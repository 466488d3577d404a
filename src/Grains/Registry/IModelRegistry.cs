using OrleansInference.Grid.Catalog;

namespace OrleansInference.Grains.Registry;

/// <summary>
/// Durable model metadata: registered versions, their stages and checksums, and deployments. SQLite backs it in
/// the embedded default; the cluster mode backs it with Redis.
/// </summary>
public interface IModelRegistry
{
    /// <summary>Registers a version, or returns the existing record unchanged if it is already registered.</summary>
    Task<ModelVersionRecord> RegisterAsync(ModelVersionRecord record, CancellationToken cancellationToken);

    /// <summary>Every registered version, optionally of one model, ordered by name then version.</summary>
    Task<IReadOnlyList<ModelVersionRecord>> ListAsync(string? model, CancellationToken cancellationToken);

    /// <summary>One version, or null.</summary>
    Task<ModelVersionRecord?> GetAsync(string model, string version, CancellationToken cancellationToken);

    /// <summary>Changes a version's stage; returns the updated record, or null if it is not registered.</summary>
    Task<ModelVersionRecord?> SetStageAsync(string model, string version, string stage, CancellationToken cancellationToken);

    /// <summary>The model's deployment, or null when none was set (the latest production version serves).</summary>
    Task<ModelDeployment?> GetDeploymentAsync(string model, CancellationToken cancellationToken);

    /// <summary>Stores the model's deployment.</summary>
    Task SetDeploymentAsync(ModelDeployment deployment, CancellationToken cancellationToken);
}
