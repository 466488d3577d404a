using OrleansInference.Contracts.Models;

namespace OrleansInference.Api.Operator;

/// <summary>A version's drift report without the per-bin fractions: its status and the worst features.</summary>
/// <param name="Status"><c>no_profile</c>, <c>insufficient_data</c>, <c>stable</c>, <c>moderate</c> or <c>drift</c>.</param>
/// <param name="Rows">Rows observed since load or the last reset.</param>
/// <param name="MinimumRows">Rows needed before a status other than insufficient_data.</param>
/// <param name="PredictionPsi">Drift of the predicted class shares.</param>
/// <param name="WorstFeatures">Up to <see cref="FeatureCount"/> features, worst first.</param>
internal sealed record DriftSummary(string Status, long Rows, long MinimumRows, double? PredictionPsi, IReadOnlyList<FeatureDriftSummary> WorstFeatures)
{
    /// <summary>How many of the worst features a summary keeps.</summary>
    public const int FeatureCount = 3;

    /// <summary>The summary of <paramref name="report"/>, whose features come worst first.</summary>
    public static DriftSummary From(DriftReport report) => new(
        report.Status,
        report.Rows,
        report.MinimumRows,
        report.PredictionPsi,
        [.. report.Features.Take(FeatureCount).Select(f => new FeatureDriftSummary(f.Feature, f.Psi, f.Status))]);
}
