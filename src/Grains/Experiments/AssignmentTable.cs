using OrleansInference.Contracts.Experiments;
using OrleansInference.Grains.Models;

namespace OrleansInference.Grains.Experiments;

/// <summary>
/// An immutable snapshot of how an experiment assigns users: <see cref="Buckets"/> buckets split into consecutive
/// ranges by weight (non-baseline variants first in definition order, the baseline last, so a canary that grows keeps
/// its users), overrides first. A user's bucket is <see cref="StableHash"/> of (experiment id, user id): the same on
/// every node and after restarts. Requests without a user id get a random bucket.
/// </summary>
public sealed class AssignmentTable
{
    /// <summary>Buckets per experiment: weights are percentages, so each percent is 100 buckets.</summary>
    public const int Buckets = 10_000;

    private readonly string _experiment;
    private readonly int[] _limits;
    private readonly VariantAssignment[] _ordered;
    private readonly Dictionary<string, VariantAssignment> _overrides;

    /// <summary>Builds the table of <paramref name="info"/>. Overrides are ignored while rolled back (everyone gets the baseline).</summary>
    public AssignmentTable(ExperimentInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        _experiment = info.Id;
        var ordered = info.Variants.Where(v => !v.Baseline).Append(info.Baseline).ToArray();
        _ordered = ordered.Select(v => new VariantAssignment(info.Id, v.Name, v.Version, info.ShadowVersion)).ToArray();
        _limits = new int[ordered.Length];
        var cumulative = 0;
        for (var i = 0; i < ordered.Length; i++)
        {
            cumulative += ordered[i].Weight * (Buckets / 100);
            _limits[i] = cumulative;
        }

        _limits[^1] = Buckets;
        var byName = _ordered.ToDictionary(a => a.Variant, StringComparer.Ordinal);
        _overrides = info.State == ExperimentState.RolledBack
            ? new Dictionary<string, VariantAssignment>(StringComparer.Ordinal)
            : info.Overrides.Where(o => byName.ContainsKey(o.Value)).ToDictionary(o => o.Key, o => byName[o.Value], StringComparer.Ordinal);
    }

    /// <summary>The bucket of <paramref name="userId"/> in <paramref name="experiment"/>.</summary>
    public static int BucketOf(string experiment, string userId) => Models.StableHash.Bucket(experiment, userId, Buckets);

    /// <summary>The variant for <paramref name="userId"/>; per request when null.</summary>
    public VariantAssignment Assign(string? userId)
    {
        if (userId is not null && _overrides.TryGetValue(userId, out var overridden))
        {
            return overridden;
        }

        var bucket = userId is null ? Random.Shared.Next(Buckets) : BucketOf(_experiment, userId);
        for (var i = 0; i < _limits.Length; i++)
        {
            if (bucket < _limits[i])
            {
                return _ordered[i];
            }
        }

        return _ordered[^1];
    }
}
