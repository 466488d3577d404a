using Orleans;
using Orleans.Concurrency;

namespace OrleansInference.Contracts.Models;

/// <summary>The serving versions of a model, their traffic shares and how many silos serve them (null: every silo).</summary>
[GenerateSerializer]
[Immutable]
[Alias("oi.ModelDeploymentInfo")]
public sealed record ModelDeploymentInfo([property: Id(0)] string Model, [property: Id(1)] string Version, [property: Id(2)] int TrafficPercentage, [property: Id(3)] string? BaselineVersion, [property: Id(4)] DateTimeOffset UpdatedAt, [property: Id(5)] int? Replicas = null);
