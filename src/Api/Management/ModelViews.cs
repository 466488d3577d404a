using System.Text.Json.Nodes;

namespace OrleansInference.Api.Management;

/// <summary>A model in management listings.</summary>
internal sealed record ModelView(string Name, DeploymentView? Deployment, IReadOnlyList<ModelVersionView> Versions);

/// <summary>A model version in management listings: registry record, schema and live state on this silo.</summary>
internal sealed record ModelVersionView(
    string Name,
    string Version,
    string Stage,
    string State,
    string? ExecutionProvider,
    string? Error,
    string Sha256,
    string? Description,
    DateTimeOffset RegisteredAt,
    DateTimeOffset StageChangedAt,
    IReadOnlyList<string>? FeatureNames,
    object Inputs,
    object Outputs,
    JsonObject? Metadata);

/// <summary>A model's deployment.</summary>
internal sealed record DeploymentView(string Version, int TrafficPercentage, string? BaselineVersion, DateTimeOffset UpdatedAt, int? Replicas);

/// <summary>Body of <c>POST /api/v1/models/{name}/deploy</c>.</summary>
internal sealed record DeployRequest(string? Version, int? TrafficPercentage, int? Replicas);

/// <summary>Body of <c>POST /api/v1/models/{name}/versions/{version}/stage</c>.</summary>
internal sealed record StageRequest(string? Stage);

/// <summary>Body of <c>POST /api/v1/models/{name}/versions</c> registering a folder inside the repository.</summary>
internal sealed record RegisterPathRequest(string? Path);
