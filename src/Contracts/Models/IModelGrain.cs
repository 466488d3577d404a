using Orleans;
using Orleans.Concurrency;

namespace OrleansInference.Contracts.Models;

/// <summary>
/// One model, keyed by its name: decides which version serves each request (the deployed version, a traffic
/// split with a baseline, or an explicitly requested version) and performs zero-downtime version switches.
/// </summary>
[Alias("oi.ModelGrain")]
public interface IModelGrain : IGrainWithStringKey
{
    /// <summary>Picks the version for a request. A requested version wins; otherwise the deployment decides.</summary>
    [AlwaysInterleave]
    [Alias("ResolveAsync")]
    ValueTask<VersionRoute> ResolveAsync(string? requestedVersion, string? userId, CancellationToken cancellationToken);

    /// <summary>
    /// Loads and warms <paramref name="version"/>, then moves <paramref name="trafficPercentage"/> percent of traffic
    /// to it; versions that stop serving drain before they unload. No request is dropped. With
    /// <paramref name="replicas"/> the deployment's versions are served by that many silos (loaded on each before
    /// traffic moves); null: by every silo.
    /// </summary>
    [Alias("DeployAsync")]
    Task<ModelDeploymentInfo> DeployAsync(string version, int trafficPercentage, int? replicas, CancellationToken cancellationToken);

    /// <summary>The current deployment.</summary>
    [AlwaysInterleave]
    [Alias("GetDeploymentAsync")]
    Task<ModelDeploymentInfo?> GetDeploymentAsync(CancellationToken cancellationToken);

    /// <summary>Re-reads the deployment from the registry (after a stage change or registration).</summary>
    [Alias("RefreshAsync")]
    Task RefreshAsync(CancellationToken cancellationToken);

    /// <summary>Loads one version, or every serving version when <paramref name="version"/> is null, and makes it routable.</summary>
    [Alias("LoadAsync")]
    Task<IReadOnlyList<ModelVersionStatus>> LoadAsync(string? version, CancellationToken cancellationToken);

    /// <summary>Drains and unloads one version, or every loaded version when <paramref name="version"/> is null; unloaded versions are not routable.</summary>
    [Alias("UnloadAsync")]
    Task<IReadOnlyList<ModelVersionStatus>> UnloadAsync(string? version, CancellationToken cancellationToken);

    /// <summary>The status of every version that serves traffic under the current deployment.</summary>
    [AlwaysInterleave]
    [Alias("GetServingStatusAsync")]
    Task<IReadOnlyList<ModelVersionStatus>> GetServingStatusAsync(CancellationToken cancellationToken);
}
