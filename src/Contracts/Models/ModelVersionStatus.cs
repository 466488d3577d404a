using Orleans;
using Orleans.Concurrency;

namespace OrleansInference.Contracts.Models;

/// <summary>A model version's state on a silo.</summary>
/// <param name="Model">Model name.</param>
/// <param name="Version">Version.</param>
/// <param name="State">Lifecycle state.</param>
/// <param name="ExecutionProvider">Where the sessions run, for example <c>CPU</c> or <c>CUDA:0</c>.</param>
/// <param name="Instances">Execution instances (sessions).</param>
/// <param name="Error">Why loading failed, when it did.</param>
/// <param name="ReadySince">When warm-up finished.</param>
[GenerateSerializer]
[Immutable]
[Alias("oi.ModelVersionStatus")]
public sealed record ModelVersionStatus(
    [property: Id(0)] string Model,
    [property: Id(1)] string Version,
    [property: Id(2)] ModelVersionState State,
    [property: Id(3)] string? ExecutionProvider = null,
    [property: Id(4)] int Instances = 0,
    [property: Id(5)] string? Error = null,
    [property: Id(6)] DateTimeOffset? ReadySince = null);
