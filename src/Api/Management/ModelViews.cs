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

/// <summary>
/// Body of <c>POST /api/v1/models/{name}/deploy</c>. <paramref name="Replicas"/> is read as any JSON value so that a
/// wrong one is answered with a message naming it (<see cref="ReplicaCount"/>).
/// </summary>
internal sealed record DeployRequest(string? Version, int? TrafficPercentage, System.Text.Json.JsonElement? Replicas)
{
    /// <summary>
    /// How many silos serve the version: null when the body has no (or a null) <c>replicas</c>, meaning every silo;
    /// <paramref name="error"/> set when it is not an integer of at least 1.
    /// </summary>
    public int? ReplicaCount(out string? error)
    {
        error = null;
        if (Replicas is not { } value || value.ValueKind == System.Text.Json.JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == System.Text.Json.JsonValueKind.Number && value.TryGetInt32(out var count) && count >= 1)
        {
            return count;
        }

        error = $"'replicas' is {value.GetRawText()}; expected an integer of at least 1 (how many silos serve the version), or no 'replicas' for every silo.";
        return null;
    }
}

/// <summary>Body of <c>POST /api/v1/models/{name}/versions/{version}/stage</c>.</summary>
internal sealed record StageRequest(string? Stage);

/// <summary>Body of <c>POST /api/v1/models/{name}/versions</c> registering a folder inside the repository.</summary>
internal sealed record RegisterPathRequest(string? Path);
