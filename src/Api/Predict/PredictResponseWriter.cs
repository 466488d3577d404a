using System.Text.Json;
using OrleansInference.Contracts.Models;
using OrleansInference.Grid.Experiments;

namespace OrleansInference.Api.Predict;

/// <summary>
/// Writes predict responses: one object for a single-row request, otherwise
/// <c>{"model", "model_version", "predictions": [...]}</c>. Each row carries
/// <c>prediction_id, prediction, label, confidence, latency_ms, model_version</c>,
/// plus <c>experiment, variant</c> when an experiment routed the request, and <c>fallback: true</c> when the model's
/// fallback version answered because the requested version's circuit breaker was open (with <c>cached: true</c> as well
/// when the version's cached answer served instead). Every row is logged in the
/// <see cref="PredictionLog"/> for feedback.
/// </summary>
internal static class PredictResponseWriter
{
    public static void Write(
        Utf8JsonWriter writer, PredictionIdGenerator ids, PredictionLog log, PredictResult result, bool singleRow, double latencyMs,
        ExperimentRequest? experiment = null, bool fallback = false)
    {
        var rows = result.Rows ?? [];
        if (singleRow && rows.Count == 1)
        {
            WriteRow(writer, ids, log, result, rows[0], latencyMs, experiment, fallback);
            return;
        }

        writer.WriteStartObject();
        writer.WriteString("model"u8, result.ModelName);
        writer.WriteString("model_version"u8, result.ModelVersion);
        writer.WriteNumber("latency_ms"u8, Math.Round(latencyMs, 3));
        if (fallback)
        {
            writer.WriteBoolean("fallback"u8, true);
        }

        writer.WriteStartArray("predictions"u8);
        foreach (var row in rows)
        {
            WriteRow(writer, ids, log, result, row, latencyMs, experiment, fallback);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteRow(
        Utf8JsonWriter writer, PredictionIdGenerator ids, PredictionLog log, PredictResult result, RowPrediction row, double latencyMs,
        ExperimentRequest? experiment, bool fallback)
    {
        writer.WriteStartObject();
        var predictionId = ids.NewId();
        writer.WriteString("prediction_id"u8, predictionId);
        writer.WriteString("model"u8, result.ModelName);
        writer.WriteNumber("prediction"u8, row.Prediction);
        if (row.Label is not null)
        {
            writer.WriteString("label"u8, row.Label);
        }

        if (row.Confidence is { } confidence)
        {
            writer.WriteNumber("confidence"u8, confidence);
        }

        if (row.TopK is { } top)
        {
            writer.WriteStartArray("top_k"u8);
            foreach (var score in top)
            {
                writer.WriteStartObject();
                writer.WriteNumber("index"u8, score.Index);
                if (score.Label is not null)
                {
                    writer.WriteString("label"u8, score.Label);
                }

                writer.WriteNumber("probability"u8, score.Probability);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteNumber("latency_ms"u8, Math.Round(latencyMs, 3));
        writer.WriteString("model_version"u8, result.ModelVersion);
        if (result.Cached)
        {
            writer.WriteBoolean("cached"u8, true);
        }

        if (fallback)
        {
            writer.WriteBoolean("fallback"u8, true);
        }

        if (experiment is not null)
        {
            experiment.WriteRowFields(writer, predictionId, row, result.ModelVersion);
        }
        else
        {
            log.Add(predictionId, row.Prediction, row.Label, result.ModelName, result.ModelVersion);
        }
        writer.WriteEndObject();
    }
}
