namespace OrleansInference.Contracts.Models;

/// <summary>The serving versions of a model and their traffic shares.</summary>
public sealed record ModelDeploymentInfo(string Model, string Version, int TrafficPercentage, string? BaselineVersion, DateTimeOffset UpdatedAt);
