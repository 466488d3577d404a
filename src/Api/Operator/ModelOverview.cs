using OrleansInference.Contracts.Models;

namespace OrleansInference.Api.Operator;

/// <summary>One model: its deployment (serving version and traffic share) and its versions.</summary>
/// <param name="Name">The model name.</param>
/// <param name="Deployment">The serving versions and traffic split; null when nothing is deployed.</param>
/// <param name="ActiveExperiment">The id of the experiment routing the model's traffic, if any.</param>
/// <param name="Versions">Every registered version, in catalog order.</param>
internal sealed record ModelOverview(string Name, ModelDeploymentInfo? Deployment, string? ActiveExperiment, IReadOnlyList<VersionOverview> Versions);
