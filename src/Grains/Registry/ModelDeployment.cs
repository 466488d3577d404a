namespace OrleansInference.Grains.Registry;

/// <summary>
/// Which version of a model serves traffic. With <see cref="TrafficPercentage"/> below 100 the remaining share
/// goes to <see cref="BaselineVersion"/>, split by a stable hash of the user id.
/// </summary>
/// <param name="Model">Model name.</param>
/// <param name="Version">The deployed (pinned) version.</param>
/// <param name="TrafficPercentage">Share of traffic for <paramref name="Version"/>, 0-100.</param>
/// <param name="BaselineVersion">The version serving the rest; null when the share is 100.</param>
/// <param name="UpdatedAt">When this deployment was set.</param>
/// <param name="Replicas">How many silos serve the deployment's versions; null (and in deployments stored before the count existed): every silo.</param>
public sealed record ModelDeployment(string Model, string Version, int TrafficPercentage, string? BaselineVersion, DateTimeOffset UpdatedAt, int? Replicas = null);
