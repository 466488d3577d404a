using Orleans;
using Orleans.Concurrency;
using OrleansInference.Contracts.Generation;
using OrleansInference.Contracts.Inference;

namespace OrleansInference.Contracts.Models;

/// <summary>
/// One replica of a model version: the version's owner on one named silo, keyed <c>"{model}/{version}@{silo}"</c>
/// (<see cref="ModelReplicas.ReplicaKey"/>). Its activation is placed on that silo (on another one if that silo left
/// the cluster) and serves the version's calls (<see cref="IModelVersionServing"/>) through the
/// <see cref="IModelVersionGrain"/> of the silo it lives on, which loads the
/// version from the shared model repository. Cluster clients call replicas so that every silo in a version's replica
/// set takes a share of its requests (an Orleans client would otherwise send every call for one version through one
/// gateway, to one silo).
/// </summary>
[Alias("oi.ModelReplicaGrain")]
public interface IModelReplicaGrain : IGrainWithStringKey, IModelVersionServing
{
    /// <summary>Loads, verifies and warms the version on this replica's silo.</summary>
    [AlwaysInterleave]
    [Alias("LoadAsync")]
    Task<ModelVersionStatus> LoadAsync(CancellationToken cancellationToken);

    /// <summary>Drains and unloads the version on this replica's silo, if it is loaded there.</summary>
    [AlwaysInterleave]
    [Alias("UnloadAsync")]
    Task<ModelVersionStatus> UnloadAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Where this replica runs and what the version served there since it loaded (zero counters when it is not loaded
    /// on that silo); does not load it.
    /// </summary>
    [AlwaysInterleave]
    [Alias("GetStatisticsAsync")]
    Task<ModelReplicaStatistics> GetStatisticsAsync(CancellationToken cancellationToken);
}

/// <summary>A replica's silo and its version's counters there.</summary>
/// <param name="Silo">The silo the replica's activation runs on (<see cref="Orleans.Runtime.SiloAddress.ToParsableString"/>).</param>
/// <param name="Statistics">The version's counters on that silo.</param>
[GenerateSerializer]
[Immutable]
[Alias("oi.ModelReplicaStatistics")]
public sealed record ModelReplicaStatistics([property: Id(0)] string Silo, [property: Id(1)] ModelVersionStatistics Statistics);
