namespace OrleansInference.Contracts.Models;

/// <summary>
/// The routing of a model whose <see cref="IModelGrain"/> activation runs on this process's silo, published by that
/// activation: reads its current routing snapshot with no grain message.
/// </summary>
public interface ILocalModelRouter
{
    /// <summary>Same as <see cref="IModelGrain.ResolveAsync"/>.</summary>
    ValueTask<VersionRoute> ResolveAsync(string? requestedVersion, string? userId, CancellationToken cancellationToken);
}
