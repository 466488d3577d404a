using Orleans;
using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;
using OrleansInference.Contracts.Models;

namespace OrleansInference.Grains.Models;

/// <summary>
/// Places a <see cref="IModelReplicaGrain"/> on the silo its key names; when that silo is not in the cluster (it
/// left, or the caller's silo list is stale) on the compatible silo that ranks highest for the version
/// (<see cref="ModelReplicas.Choose"/>), so every caller's stale key lands on the same survivor.
/// </summary>
[GenerateSerializer]
[Immutable]
[Alias("oi.ReplicaSilosPlacement")]
public sealed class ReplicaSilosPlacement : PlacementStrategy
{
    /// <summary>The one instance.</summary>
    public static readonly ReplicaSilosPlacement Instance = new();
}

/// <summary>Marks a grain class as placed by <see cref="ReplicaSilosPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class ReplicaSilosPlacementAttribute : PlacementAttribute
{
    public ReplicaSilosPlacementAttribute()
        : base(ReplicaSilosPlacement.Instance)
    {
    }
}

/// <summary>The placement director of <see cref="ReplicaSilosPlacement"/>.</summary>
public sealed class ReplicaSilosPlacementDirector : IPlacementDirector
{
    /// <inheritdoc />
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var compatible = context.GetCompatibleSilos(target);
        var key = target.GrainIdentity.Key.ToString();
        if (!ModelReplicas.TrySplit(key, out var versionKey, out var siloText))
        {
            versionKey = key;
        }
        else
        {
            foreach (var silo in compatible)
            {
                if (string.Equals(silo.ToParsableString(), siloText, StringComparison.Ordinal))
                {
                    return Task.FromResult(silo);
                }
            }
        }

        return Task.FromResult(ModelReplicas.Choose(versionKey, compatible, 1)[0]);
    }
}
