using OrleansInference.Contracts.BatchJobs;

namespace OrleansInference.Api.Operator;

/// <summary>
/// What the operator page shows, in one answer: every model version with its state and counters, experiments with
/// their metrics and history, recent batch jobs and the alerts drawn from all of them. Counters are cumulative (since
/// each version loaded); the page turns the difference between two polls into rates.
/// </summary>
/// <param name="GeneratedAt">When the answer was assembled.</param>
/// <param name="Links">Where the operator goes next: the Orleans dashboard, the Prometheus scrape, the OpenAPI document.</param>
/// <param name="Models">Every registered model with its versions.</param>
/// <param name="Experiments">Every experiment, active ones first.</param>
/// <param name="BatchJobs">The most recent batch jobs, newest first.</param>
/// <param name="Alerts">Conditions that need an operator, the most severe first.</param>
internal sealed record OperatorOverview(
    DateTimeOffset GeneratedAt,
    IReadOnlyDictionary<string, string> Links,
    IReadOnlyList<ModelOverview> Models,
    IReadOnlyList<ExperimentOverview> Experiments,
    IReadOnlyList<BatchJobStatus> BatchJobs,
    IReadOnlyList<OperatorAlert> Alerts);
