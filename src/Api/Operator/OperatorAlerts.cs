using System.Globalization;
using OrleansInference.Contracts.BatchJobs;
using OrleansInference.Contracts.Experiments;

namespace OrleansInference.Api.Operator;

/// <summary>
/// Draws the alerts of an overview from its state: versions that failed to load, drifted inputs, experiments whose
/// guardrails rolled a canary back, failed batch jobs. Rates over time (error rate, latency) are the page's to judge
/// between two polls.
/// </summary>
internal static class OperatorAlerts
{
    public static IReadOnlyList<OperatorAlert> From(OperatorOverview overview)
    {
        var alerts = new List<OperatorAlert>();
        foreach (var model in overview.Models)
        {
            foreach (var v in model.Versions)
            {
                var subject = $"model {model.Name}/{v.Version}";
                if (v.State == "failed")
                {
                    alerts.Add(new(OperatorAlert.Critical, subject, $"Version failed to load: {Sentence(v.Error)}"));
                }

                if (v.Drift is { Status: "drift" or "moderate" } drift)
                {
                    var worst = drift.WorstFeatures.Count > 0
                        ? string.Create(CultureInfo.InvariantCulture, $"; worst feature '{drift.WorstFeatures[0].Feature}' PSI {drift.WorstFeatures[0].Psi:0.###}")
                        : string.Empty;
                    alerts.Add(new(OperatorAlert.Warning, subject, $"Inputs show {(drift.Status == "drift" ? "drift" : "moderate drift")} against the training profile over {drift.Rows} rows{worst}."));
                }
            }
        }

        foreach (var e in overview.Experiments)
        {
            var subject = $"experiment {e.Experiment.Id}";
            if (e.Experiment.State == ExperimentState.RolledBack)
            {
                var rollback = e.Events.LastOrDefault(ev => ev.Kind == "rollback");
                alerts.Add(new(OperatorAlert.Critical, subject, rollback?.Message ?? "A guardrail rolled the canary back; every user gets the baseline."));
            }
            else if (e.Metrics.Rollbacks > 0 && e.Experiment.IsActive)
            {
                alerts.Add(new(OperatorAlert.Warning, subject, $"{e.Metrics.Rollbacks} guardrail rollback(s) so far."));
            }
        }

        foreach (var job in overview.BatchJobs.Where(j => j.State == BatchJobState.Failed))
        {
            alerts.Add(new(OperatorAlert.Warning, $"batch job {job.JobId}", $"Failed after {job.RowsDone} rows: {Sentence(job.Error)}"));
        }

        return [.. alerts.OrderBy(a => a.Severity == OperatorAlert.Critical ? 0 : 1)];
    }

    /// <summary>A reason quoted as the end of a sentence: one final period, whether or not it brought its own.</summary>
    private static string Sentence(string? reason) => string.IsNullOrWhiteSpace(reason) ? "no reason given." : reason.TrimEnd().TrimEnd('.') + ".";
}
