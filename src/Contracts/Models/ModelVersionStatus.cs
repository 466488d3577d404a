namespace OrleansInference.Contracts.Models;

/// <summary>A model version's state on a silo.</summary>
/// <param name="Model">Model name.</param>
/// <param name="Version">Version.</param>
/// <param name="State">Lifecycle state.</param>
/// <param name="ExecutionProvider">Where the sessions run, for example <c>CPU</c> or <c>CUDA:0</c>.</param>
/// <param name="Instances">Execution instances (sessions).</param>
/// <param name="Error">Why loading failed, when it did.</param>
/// <param name="ReadySince">When warm-up finished.</param>
public sealed record ModelVersionStatus(
    string Model,
    string Version,
    ModelVersionState State,
    string? ExecutionProvider = null,
    int Instances = 0,
    string? Error = null,
    DateTimeOffset? ReadySince = null);
