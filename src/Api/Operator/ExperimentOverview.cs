using OrleansInference.Contracts.Experiments;

namespace OrleansInference.Api.Operator;

/// <summary>An experiment: its definition and split, its per-variant metrics and significance, its latest events.</summary>
/// <param name="Experiment">The stored experiment: variants with their weights, state, ramp.</param>
/// <param name="Metrics">Per-variant counters and latency percentiles, shadow agreement, rollbacks, significance.</param>
/// <param name="Events">The latest events (ramp steps, rollbacks with their evidence, promotion), oldest first.</param>
internal sealed record ExperimentOverview(ExperimentInfo Experiment, ExperimentMetrics Metrics, IReadOnlyList<ExperimentEvent> Events);
