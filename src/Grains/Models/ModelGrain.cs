using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Runtime;
using OrleansInference.Contracts.Models;
using OrleansInference.Grid.Catalog;
using OrleansInference.Grains.Registry;
using OrleansInference.Grid.Repository;

namespace OrleansInference.Grains.Models;

/// <summary>
/// Routes a model's requests to versions and switches versions without dropping requests: the new version is
/// loaded and warmed before the routing snapshot swaps, and versions that stop serving drain after a grace period.
/// </summary>
[KeepAlive] // holds which versions an operator unloaded, and publishes the silo-local route
public sealed partial class ModelGrain : Grain, IModelGrain, ILocalModelRouter
{
    private readonly ModelCatalog _catalog;
    private readonly LocalServingDirectory _directory;
    private readonly IModelRegistry _registry;
    private readonly TimeProvider _time;
    private readonly ModelGrainOptions _options;
    private readonly ILogger<ModelGrain> _logger;
    private readonly IClusterMembershipService _membership;
    private readonly SiloAddress _silo;
    private string? _model;
    private RoutingTable _routing = new(null, null, ImmutableHashSet<string>.Empty);

    // One immutable route per registered version and replica count, reused by every request routed to it.
    private readonly ConcurrentDictionary<(string Version, int? Replicas), VersionRoute> _routes = new();

    public ModelGrain(ModelCatalog catalog, LocalServingDirectory directory, IModelRegistry registry, TimeProvider time, IOptions<ModelGrainOptions> options,
        IClusterMembershipService membership, ILocalSiloDetails silo, ILogger<ModelGrain> logger)
    {
        _membership = membership;
        _silo = silo.SiloAddress;
        _catalog = catalog;
        _directory = directory;
        _registry = registry;
        _time = time;
        _options = options.Value;
        _logger = logger;
    }

    private string Model => _model ??= this.GetPrimaryKeyString();

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await RefreshAsync(cancellationToken);
        _directory.Publish(Model, (ILocalModelRouter)this);
    }

    /// <inheritdoc />
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _directory.Withdraw(Model, (ILocalModelRouter)this);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<VersionRoute> ResolveAsync(string? requestedVersion, string? userId, CancellationToken cancellationToken)
    {
        var routing = Volatile.Read(ref _routing);
        if (requestedVersion is not null)
        {
            return ValueTask.FromResult(ResolveExplicit(routing, requestedVersion));
        }

        var deployment = routing.Deployment;
        string? version;
        if (deployment is null)
        {
            version = routing.DefaultVersion;
        }
        else if (deployment.BaselineVersion is null || deployment.TrafficPercentage >= 100)
        {
            version = deployment.Version;
        }
        else
        {
            var bucket = userId is null ? Random.Shared.Next(100) : Models.StableHash.Bucket(Model, userId, 100);
            version = bucket < deployment.TrafficPercentage ? deployment.Version : deployment.BaselineVersion;
        }

        if (version is null)
        {
            return ValueTask.FromResult(new VersionRoute(null, $"Model '{Model}' has no production version; deploy one or request a version explicitly."));
        }

        return ValueTask.FromResult(routing.Unloaded.Contains(version)
            ? new VersionRoute(null, $"Model '{Model}/{version}' is unloaded; load it to serve traffic.", UnloadedRetryAfter)
            : RouteTo(version, deployment?.Replicas));
    }

    /// <inheritdoc />
    public async Task<ModelDeploymentInfo> DeployAsync(string version, int trafficPercentage, int? replicas, CancellationToken cancellationToken)
    {
        if (replicas is < 1)
        {
            throw new ModelOperationException($"A deployment of '{Model}' needs at least one replica; got {replicas}.");
        }

        if (await _catalog.FindAsync(Model, version, cancellationToken) is not { } entry)
        {
            throw new ModelOperationException($"Model '{Model}' has no version '{version}'.");
        }

        if (entry.Stage == ModelStages.Archived)
        {
            throw new ModelOperationException($"Version '{Model}/{version}' is archived; change its stage before deploying it.");
        }

        // Warm first: traffic moves only to a version that has passed warm-up, on every silo that will serve it.
        await WarmReplicasAsync(entry.Descriptor.Key, replicas, cancellationToken);

        var before = Volatile.Read(ref _routing);
        var current = before.ServingVersions.Count > 0 ? before.ServingVersions[0] : null;
        var baseline = trafficPercentage >= 100 || current is null || current == version ? null : current;
        var deployment = new ModelDeployment(Model, version, baseline is null ? 100 : trafficPercentage, baseline, _time.GetUtcNow(), replicas);
        await _registry.SetDeploymentAsync(deployment, cancellationToken);
        var after = before with { Deployment = deployment, Unloaded = before.Unloaded.Remove(version) };
        Volatile.Write(ref _routing, after);
        Log.Deployed(_logger, Model, version, deployment.TrafficPercentage, baseline ?? "none");

        var retired = before.ServingVersions.Except(after.ServingVersions).ToArray();
        if (retired.Length > 0)
        {
            _ = DrainAfterGraceAsync(retired);
        }

        return ToInfo(deployment);
    }

    /// <inheritdoc />
    public Task<ModelDeploymentInfo?> GetDeploymentAsync(CancellationToken cancellationToken)
    {
        var routing = Volatile.Read(ref _routing);
        var deployment = routing.Deployment;
        if (deployment is null && routing.DefaultVersion is { } version && _catalog.TryGet(Model, version, out var entry))
        {
            deployment = new ModelDeployment(Model, version, 100, null, entry.Record.StageChangedAt);
        }

        return Task.FromResult(deployment is null ? null : ToInfo(deployment));
    }

    /// <inheritdoc />
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        // Called after a registration or stage change, possibly through another node: read the catalog as it is now.
        await _catalog.RefreshAsync(cancellationToken);
        var deployment = await _registry.GetDeploymentAsync(Model, cancellationToken);
        var routing = Volatile.Read(ref _routing);
        var production = await ChooseDefaultAsync(routing.DefaultVersion, deployment is null, cancellationToken);
        routing = Volatile.Read(ref _routing);
        Volatile.Write(ref _routing, routing with { Deployment = deployment, DefaultVersion = production });
    }

    /// <summary>
    /// The newest production version, for when no deployment decides. Once a version serves, another one replaces it
    /// only after it has loaded and warmed (whichever path made it production: a scan, a stage change through another
    /// node); a newer production version that fails to load is passed over and the serving one stays.
    /// </summary>
    private async Task<string?> ChooseDefaultAsync(string? current, bool routesByDefault, CancellationToken cancellationToken)
    {
        var candidates = _catalog.VersionsOf(Model).Where(e => e.Stage == ModelStages.Production).Select(e => e.Version).Reverse().ToList();
        if (candidates.Count == 0)
        {
            return null;
        }

        // Before anything serves (activation) the choice costs no load: start-up loads serving versions itself.
        if (current is null || !routesByDefault)
        {
            return candidates[0];
        }

        foreach (var candidate in candidates)
        {
            if (candidate == current)
            {
                return current;
            }

            var status = await GrainFactory.GetGrain<IModelVersionGrain>(ModelKeys.VersionKey(Model, candidate)).LoadAsync(cancellationToken);
            if (status.State == ModelVersionState.Ready)
            {
                return candidate;
            }

            Log.PromotionRefused(_logger, Model, candidate, current, status.Error ?? status.State.ToString());
        }

        // The serving version left production and no production version loads: nothing serves by default.
        return null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ModelVersionStatus>> LoadAsync(string? version, CancellationToken cancellationToken)
    {
        var versions = version is null ? Volatile.Read(ref _routing).ServingVersions : [version];
        var statuses = new List<ModelVersionStatus>(versions.Count);
        foreach (var v in versions)
        {
            var routing = Volatile.Read(ref _routing);
            Volatile.Write(ref _routing, routing with { Unloaded = routing.Unloaded.Remove(v) });
            statuses.Add(await GrainFactory.GetGrain<IModelVersionGrain>(ModelKeys.VersionKey(Model, v)).LoadAsync(cancellationToken));
        }

        return statuses;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ModelVersionStatus>> UnloadAsync(string? version, CancellationToken cancellationToken)
    {
        var versions = version is null ? _catalog.VersionsOf(Model).Select(e => e.Version).ToList() : [version];
        var statuses = new List<ModelVersionStatus>(versions.Count);
        foreach (var v in versions)
        {
            var routing = Volatile.Read(ref _routing);
            Volatile.Write(ref _routing, routing with { Unloaded = routing.Unloaded.Add(v) });
            await UnloadOnOtherSilosAsync(ModelKeys.VersionKey(Model, v), cancellationToken);
            statuses.Add(await GrainFactory.GetGrain<IModelVersionGrain>(ModelKeys.VersionKey(Model, v)).UnloadAsync(cancellationToken));
        }

        return statuses;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ModelVersionStatus>> GetServingStatusAsync(CancellationToken cancellationToken)
    {
        var serving = Volatile.Read(ref _routing).ServingVersions;
        var statuses = new List<ModelVersionStatus>(serving.Count);
        foreach (var v in serving)
        {
            statuses.Add(await GrainFactory.GetGrain<IModelVersionGrain>(ModelKeys.VersionKey(Model, v)).GetStatusAsync(cancellationToken));
        }

        return statuses;
    }

    private VersionRoute ResolveExplicit(RoutingTable routing, string version)
    {
        if (!_catalog.TryGet(Model, version, out var entry))
        {
            var known = string.Join(", ", _catalog.VersionsOf(Model).Select(e => e.Version));
            return new VersionRoute(null, $"Model '{Model}' has no version '{version}'; registered versions: {known}.");
        }

        if (entry.Stage == ModelStages.Archived)
        {
            return new VersionRoute(null, $"Version '{Model}/{version}' is archived and serves no traffic.");
        }

        return routing.Unloaded.Contains(version)
            ? new VersionRoute(null, $"Model '{Model}/{version}' is unloaded; load it to serve traffic.", UnloadedRetryAfter)
            : RouteTo(entry.Version, replicas: null);
    }

    /// <summary>The route to a registered version (found in the catalog or the routing table), created once per replica count.</summary>
    private VersionRoute RouteTo(string version, int? replicas) =>
        _routes.GetOrAdd((version, replicas), static key => new VersionRoute(key.Version, Replicas: key.Replicas));

    private async Task DrainAfterGraceAsync(string[] versions)
    {
        try
        {
            await Task.Delay(_options.DrainGracePeriod, _time);
            foreach (var version in versions)
            {
                // A version that serves again (deployed back during the grace period) keeps its sessions.
                if (Volatile.Read(ref _routing).ServingVersions.Contains(version))
                {
                    continue;
                }

                await UnloadOnOtherSilosAsync(ModelKeys.VersionKey(Model, version), CancellationToken.None);
                await GrainFactory.GetGrain<IModelVersionGrain>(ModelKeys.VersionKey(Model, version)).UnloadAsync(CancellationToken.None);
                Log.Drained(_logger, Model, version);
            }
        }
        catch (Exception ex)
        {
            Log.DrainFailed(_logger, Model, ex);
        }
    }

    /// <summary>What an unloaded version's callers are told to wait before trying again.</summary>
    private static readonly TimeSpan UnloadedRetryAfter = TimeSpan.FromSeconds(5);

    private static ModelDeploymentInfo ToInfo(ModelDeployment d) => new(d.Model, d.Version, d.TrafficPercentage, d.BaselineVersion, d.UpdatedAt, d.Replicas);

    /// <summary>
    /// Unloads <paramref name="versionKey"/> on every other active silo where a replica loaded it (this silo's owner is
    /// the caller's to unload); a silo that does not answer is passed over, since one that left holds nothing.
    /// </summary>
    private async Task UnloadOnOtherSilosAsync(string versionKey, CancellationToken cancellationToken)
    {
        var others = _membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active && !m.SiloAddress.Equals(_silo)).Select(m => m.SiloAddress).ToArray();
        if (others.Length == 0)
        {
            return;
        }

        await Task.WhenAll(others.Select(async silo =>
        {
            try
            {
                await GrainFactory.GetGrain<IModelReplicaGrain>(ModelReplicas.ReplicaKey(versionKey, silo)).UnloadAsync(cancellationToken);
            }
            catch (Exception ex) when (GridCalls.IsGridUnavailable(ex))
            {
                Log.ReplicaUnloadFailed(_logger, versionKey, silo.ToString(), ex);
            }
        }));
    }

    /// <summary>
    /// Loads <paramref name="versionKey"/> on the silos of its replica set (every active silo when
    /// <paramref name="replicas"/> is null), all at once; on a cluster of one silo, on this silo as before.
    /// </summary>
    private async Task WarmReplicasAsync(string versionKey, int? replicas, CancellationToken cancellationToken)
    {
        var silos = _membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress).ToArray();
        if (silos.Length <= 1)
        {
            var status = await GrainFactory.GetGrain<IModelVersionGrain>(versionKey).LoadAsync(cancellationToken);
            if (status.State != ModelVersionState.Ready)
            {
                throw new ModelOperationException($"Version '{versionKey}' failed to load, so traffic stays where it is: {status.Error}");
            }

            return;
        }

        var chosen = ModelReplicas.Choose(versionKey, silos, replicas);
        var statuses = await Task.WhenAll(chosen.Select(silo => GrainFactory.GetGrain<IModelReplicaGrain>(ModelReplicas.ReplicaKey(versionKey, silo)).LoadAsync(cancellationToken)));
        var failed = chosen.Zip(statuses).Where(s => s.Second.State != ModelVersionState.Ready).ToList();
        if (failed.Count > 0)
        {
            throw new ModelOperationException(
                $"Version '{versionKey}' failed to load on {failed.Count} of its {chosen.Length} silos, so traffic stays where it is: " +
                string.Join("; ", failed.Select(f => $"{f.First}: {f.Second.Error ?? f.Second.State.ToString()}")));
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1300, Level = LogLevel.Information, Message = "Model {Model}: version {Version} now takes {Traffic}% of traffic (baseline {Baseline}).")]
        public static partial void Deployed(ILogger logger, string model, string version, int traffic, string baseline);

        [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "Model {Model}: version {Version} stopped serving, drained and unloaded.")]
        public static partial void Drained(ILogger logger, string model, string version);

        [LoggerMessage(EventId = 1303, Level = LogLevel.Warning, Message = "Model {Model}: production version {Version} failed to load, so {Serving} keeps serving: {Reason}")]
        public static partial void PromotionRefused(ILogger logger, string model, string version, string serving, string reason);

        [LoggerMessage(EventId = 1304, Level = LogLevel.Warning, Message = "Version {Version}: unloading its replica on silo {Silo} failed.")]
        public static partial void ReplicaUnloadFailed(ILogger logger, string version, string silo, Exception exception);

        [LoggerMessage(EventId = 1302, Level = LogLevel.Warning, Message = "Model {Model}: draining retired versions failed.")]
        public static partial void DrainFailed(ILogger logger, string model, Exception exception);
    }
}
