using System.Collections.Immutable;
using OrleansInference.Grains.Registry;

namespace OrleansInference.Grains.Models;

/// <summary>An immutable snapshot of how a model routes requests; swapped atomically on every change.</summary>
/// <param name="Deployment">The explicit deployment, or null to serve <paramref name="DefaultVersion"/>.</param>
/// <param name="DefaultVersion">The latest production version, used when there is no deployment.</param>
/// <param name="Unloaded">Versions an operator unloaded; they are not routable until loaded again.</param>
internal sealed record RoutingTable(ModelDeployment? Deployment, string? DefaultVersion, ImmutableHashSet<string> Unloaded)
{
    /// <summary>The versions receiving traffic.</summary>
    public IReadOnlyList<string> ServingVersions => Deployment switch
    {
        { BaselineVersion: { } baseline } d => [d.Version, baseline],
        { } d => [d.Version],
        null when DefaultVersion is not null => [DefaultVersion],
        _ => [],
    };
}
