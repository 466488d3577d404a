using OrleansInference.Contracts.Models;

namespace OrleansInference.Api.Operator;

/// <summary>One model version on the silo that answered: lifecycle, execution provider, counters and drift.</summary>
/// <param name="Version">The version.</param>
/// <param name="Stage">dev, staging, production or archived.</param>
/// <param name="State">unloaded, loading, ready, draining or failed.</param>
/// <param name="ExecutionProvider">Where the sessions run (<c>CPU</c>, <c>CUDA:0</c>); null when not loaded.</param>
/// <param name="Instances">Execution instances (sessions).</param>
/// <param name="Error">Why loading failed, when it did.</param>
/// <param name="ReadySince">When warm-up finished.</param>
/// <param name="Statistics">The batcher's counters (requests, rows, batches, durations, batch sizes), as Triton's statistics report them.</param>
/// <param name="Drift">Drift against the training profile; null when the version is not ready.</param>
internal sealed record VersionOverview(
    string Version,
    string Stage,
    string State,
    string? ExecutionProvider,
    int Instances,
    string? Error,
    DateTimeOffset? ReadySince,
    ModelVersionStatistics Statistics,
    DriftSummary? Drift);
