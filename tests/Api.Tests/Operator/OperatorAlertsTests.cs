using OrleansInference.Api.Operator;
using OrleansInference.Contracts.BatchJobs;
using OrleansInference.Contracts.Experiments;
using OrleansInference.Contracts.Models;

namespace OrleansInference.Api.Tests.Operator;

/// <summary>The alerts drawn from an overview's state: which conditions raise one, how severe, and in what order.</summary>
public sealed class OperatorAlertsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public void HealthyGrid_HasNoAlerts()
    {
        var overview = Overview(
            [Version("1", "ready", drift: Drift("stable")), Version("2", "unloaded"), Version("3", "ready", drift: Drift("insufficient_data"))],
            [Experiment("steady", ExperimentState.Running, rollbacks: 0)],
            [Job("ok", BatchJobState.Succeeded)]);

        Assert.Empty(OperatorAlerts.From(overview));
    }

    [Fact]
    public void FailedVersionsAndRollbacks_AreCritical_AndComeFirst()
    {
        var overview = Overview(
            [Version("1", "ready", drift: Drift("drift", ("petal width", 0.61))), Version("2", "failed", error: "Checksum mismatch for model.onnx"), Version("3", "ready", drift: Drift("moderate"))],
            [Experiment("canary", ExperimentState.RolledBack, rollbacks: 1, new ExperimentEvent(Now, "rollback", "Rolled back 'faulty': error rate 0.5 over 0.05.")),
             Experiment("again", ExperimentState.Running, rollbacks: 2),
             Experiment("ended", ExperimentState.Aborted, rollbacks: 3)],
            [Job("bad", BatchJobState.Failed, error: "Too many rejected rows.")]);

        var alerts = OperatorAlerts.From(overview);

        Assert.Equal(
            [
                ("critical", "model iris/2", "Version failed to load: Checksum mismatch for model.onnx."),
                ("critical", "experiment canary", "Rolled back 'faulty': error rate 0.5 over 0.05."),
                ("warning", "model iris/1", "Inputs show drift against the training profile over 500 rows; worst feature 'petal width' PSI 0.61."),
                ("warning", "model iris/3", "Inputs show moderate drift against the training profile over 500 rows."),
                ("warning", "experiment again", "2 guardrail rollback(s) so far."),
                ("warning", "batch job bad", "Failed after 10 rows: Too many rejected rows."),
            ],
            alerts.Select(a => (a.Severity, a.Subject, a.Message)));
    }

    private static OperatorOverview Overview(IReadOnlyList<VersionOverview> versions, IReadOnlyList<ExperimentOverview> experiments, IReadOnlyList<BatchJobStatus> jobs) =>
        new(Now, new Dictionary<string, string>(), [new ModelOverview("iris", null, null, versions)], experiments, jobs, []);

    private static VersionOverview Version(string version, string state, string? error = null, DriftSummary? drift = null) =>
        new(version, "production", state, state == "ready" ? "CPU" : null, state == "ready" ? 1 : 0, error, null,
            new ModelVersionStatistics("iris", version, 0, 0, 0, 0, 0, 0, 0, 0, 0, new Dictionary<int, long>()), drift);

    private static DriftSummary Drift(string status, params (string Feature, double Psi)[] worst) =>
        new(status, 500, 100, null, [.. worst.Select(w => new FeatureDriftSummary(w.Feature, w.Psi, status))]);

    private static ExperimentOverview Experiment(string id, ExperimentState state, long rollbacks, params ExperimentEvent[] events) =>
        new(
            new ExperimentInfo(id, "iris", state, [new VariantDefinition("control", "1", 100, Baseline: true)], new Dictionary<string, string>(), null, 100, null, 1, Now, Now),
            new ExperimentMetrics(id, state, rollbacks, [], null, []),
            events);

    private static BatchJobStatus Job(string id, BatchJobState state, string? error = null) =>
        new(id, "iris", "1", state, BatchJobFormat.Csv, 100, 10, 0, 1, 0, null, null, Now, Now, Now, error, null, null);
}
