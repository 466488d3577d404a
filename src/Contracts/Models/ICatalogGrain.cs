using Orleans;
using Orleans.Concurrency;

namespace OrleansInference.Contracts.Models;

/// <summary>
/// The grid's one catalog (key 0): which model versions are registered, in which stage, with which config, and which
/// experiment is active on each model. It is the only writer of that state; every node (silo, API node or client)
/// keeps a read replica that follows <see cref="WaitForChangeAsync"/>, so a change made through one node is served by
/// all of them.
/// </summary>
[Alias("oi.CatalogGrain")]
public interface ICatalogGrain : IGrainWithIntegerKey
{
    /// <summary>The current snapshot.</summary>
    [AlwaysInterleave]
    [Alias("GetAsync")]
    Task<CatalogSnapshot> GetAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Answers as soon as the catalog differs from <paramref name="known"/> (another epoch or revision), or with the
    /// unchanged snapshot after <paramref name="maxWait"/>: a long poll that keeps replicas current within moments.
    /// </summary>
    [AlwaysInterleave]
    [Alias("WaitForChangeAsync")]
    Task<CatalogSnapshot> WaitForChangeAsync(CatalogRevision known, TimeSpan maxWait, CancellationToken cancellationToken);

    /// <summary>
    /// Registers every valid version found in the shared model repository that is not registered yet (silo start-up;
    /// idempotent), and returns the snapshot.
    /// </summary>
    [Alias("ScanRepositoryAsync")]
    Task<CatalogSnapshot> ScanRepositoryAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Registers <paramref name="model"/>/<paramref name="version"/>, whose files are already in the shared model
    /// repository. Fails with <see cref="CatalogOutcome.Conflict"/> when it is registered already.
    /// </summary>
    [Alias("RegisterAsync")]
    Task<CatalogChange> RegisterAsync(string model, string version, CancellationToken cancellationToken);

    /// <summary>Moves a version to another stage (dev, staging, production, archived).</summary>
    [Alias("SetStageAsync")]
    Task<CatalogChange> SetStageAsync(string model, string version, string stage, CancellationToken cancellationToken);

    /// <summary>
    /// Makes <paramref name="experimentId"/> the model's active experiment unless another one is; returns the holder
    /// (the given id when the claim succeeded).
    /// </summary>
    [Alias("ClaimExperimentAsync")]
    Task<string> ClaimExperimentAsync(string model, string experimentId, CancellationToken cancellationToken);

    /// <summary>Removes <paramref name="experimentId"/> as the model's active experiment, if it is.</summary>
    [Alias("ReleaseExperimentAsync")]
    Task ReleaseExperimentAsync(string model, string experimentId, CancellationToken cancellationToken);
}
