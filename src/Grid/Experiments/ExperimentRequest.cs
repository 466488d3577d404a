using System.Buffers;
using System.Text.Json;
using OrleansInference.Contracts.Experiments;
using OrleansInference.Contracts.Inference;
using OrleansInference.Contracts.Models;

namespace OrleansInference.Grid.Experiments;

/// <summary>
/// One predict request routed by an experiment: the route, the feature copy for the shadow version, the outcome
/// recording and the <c>experiment</c>/<c>variant</c> fields of each response row.
/// </summary>
public sealed class ExperimentRequest
{
    private readonly string _model;
    private readonly IExperimentGrain _grain;
    private readonly PredictionLog _log;
    private readonly ShadowDispatcher _shadow;
    private float[]? _features;
    private int _rows;
    private int _columns;

    internal ExperimentRequest(string model, VariantAssignment assignment, IExperimentGrain grain, PredictionLog log, ShadowDispatcher shadow)
    {
        _model = model;
        Assignment = assignment;
        Route = new VersionRoute(assignment.Version);
        _grain = grain;
        _log = log;
        _shadow = shadow;
    }

    /// <summary>The chosen variant.</summary>
    public VariantAssignment Assignment { get; }

    /// <summary>The version to call.</summary>
    public VersionRoute Route { get; }

    /// <summary>Copies the raw feature rows for the shadow version (when the experiment has one).</summary>
    public void CaptureFeatures(ReadOnlySpan<float> features, int rows, int columns)
    {
        if (Assignment.ShadowVersion is null || Assignment.ShadowVersion == Assignment.Version)
        {
            return;
        }

        _features = ArrayPool<float>.Shared.Rent(features.Length);
        features.CopyTo(_features);
        _rows = rows;
        _columns = columns;
    }

    /// <summary>Records the outcome with the variant and hands the copy to the shadow queue (never waiting on it).</summary>
    public async ValueTask CompleteAsync(PredictResult result, double latencyMs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        var failed = result.Status is InferenceStatus.ModelFailure or InferenceStatus.Unavailable or InferenceStatus.DeadlineExceeded or InferenceStatus.QueueFull;
        var rows = result.Status == InferenceStatus.Ok ? result.Rows : null;
        string[]? predictions = null;
        if (rows is not null)
        {
            predictions = new string[rows.Count];
            for (var i = 0; i < rows.Count; i++)
            {
                predictions[i] = rows[i].Label ?? rows[i].Prediction.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        OfferShadow(rows);
        await _grain.RecordAsync(new VariantOutcome(Assignment.Variant, failed, latencyMs, predictions), cancellationToken);
    }

    /// <summary>Writes <c>experiment</c> and <c>variant</c> into a response row and logs the prediction for feedback.</summary>
    public void WriteRowFields(Utf8JsonWriter writer, Guid predictionId, RowPrediction row, string version)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(row);
        writer.WriteString("experiment"u8, Assignment.Experiment);
        writer.WriteString("variant"u8, Assignment.Variant);
        _log.Add(predictionId, new LoggedPrediction(Assignment.Experiment, Assignment.Variant, row.Prediction, row.Label, _model, version));
    }

    private void OfferShadow(IReadOnlyList<RowPrediction>? rows)
    {
        var features = _features;
        _features = null;
        if (features is null)
        {
            return;
        }

        if (rows is null || rows.Count != _rows)
        {
            ArrayPool<float>.Shared.Return(features);
            return;
        }

        var primary = new double[rows.Count];
        for (var i = 0; i < primary.Length; i++)
        {
            primary[i] = rows[i].Prediction;
        }

        if (!_shadow.TryEnqueue(new ShadowWork(Assignment.Experiment, _model, Assignment.ShadowVersion!, features, _rows, _columns, primary)))
        {
            _ = _grain.RecordShadowAsync(new ShadowOutcome(true, false, false, 0), CancellationToken.None).AsTask();
        }
    }
}
