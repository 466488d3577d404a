using System.Globalization;
using System.Text.Json;
using Orleans;
using OrleansInference.Api.Http;
using OrleansInference.Contracts.Experiments;
using OrleansInference.Grid.Experiments;

namespace OrleansInference.Api.Experiments;

/// <summary>
/// <c>POST /api/v1/feedback {prediction_id, label | reward}</c>: joins ground truth to a logged prediction (every
/// prediction of <c>/api/v1/predict</c> is logged) and, when an experiment routed it, records it for its variant. A label
/// is the class name or index; it is correct when it matches the predicted label or class. Each prediction takes
/// feedback once: a second feedback for the same prediction id is 409 and changes nothing.
/// </summary>
internal static class FeedbackEndpoint
{
    public static Task<IResult> HandleAsync(HttpRequest request, PredictionLog log, IGrainFactory grains, CancellationToken cancellationToken) => ExperimentBody.CallAsync(async () =>
    {
        var (body, error) = await ExperimentBody.ReadAsync<FeedbackRequest>(request, required: true, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        if (!Guid.TryParse(body!.PredictionId, out var predictionId))
        {
            return Problems.BadRequest($"'prediction_id' is '{body.PredictionId}'; expected the prediction_id of a predict response.");
        }

        var label = body.Label is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } l ? l : (JsonElement?)null;
        if (label is null && body.Reward is null)
        {
            return Problems.BadRequest("The body needs 'label' (the true class name or index) or 'reward' (a number).");
        }

        if (label is { ValueKind: not JsonValueKind.String and not JsonValueKind.Number })
        {
            return Problems.BadRequest("'label' must be a class name (string) or a class index (number).");
        }

        if (label is { ValueKind: JsonValueKind.String } text && !JsonText.TryGetString(text, out _))
        {
            return Problems.BadRequest(JsonText.NotText("'label'"));
        }

        if (body.Reward is { } reward && !double.IsFinite(reward))
        {
            return Problems.BadRequest("'reward' must be a finite number.");
        }

        if (!log.TryGet(predictionId, out var prediction))
        {
            return Problems.NotFound($"Prediction '{predictionId}' is not in the prediction log: it was not answered by this server's /api/v1/predict, or it was evicted (Experiments:PredictionLogCapacity keeps the newest).");
        }

        if (!log.TryClaimFeedback(predictionId))
        {
            return Problems.Conflict($"Prediction '{predictionId}' already has feedback; each prediction takes feedback once.");
        }

        bool? correct = label is { } value ? Matches(value, prediction) : null;
        if (prediction.Experiment is not null)
        {
            try
            {
                await grains.GetGrain<IExperimentGrain>(prediction.Experiment).RecordFeedbackAsync(new VariantFeedback(prediction.Variant!, correct, body.Reward), cancellationToken);
            }
            catch
            {
                log.ReleaseFeedback(predictionId);
                throw;
            }
        }

        return ExperimentJson.Ok(new
        {
            prediction_id = predictionId,
            model = prediction.Model,
            model_version = prediction.Version,
            experiment = prediction.Experiment,
            variant = prediction.Variant,
            correct,
            reward = body.Reward,
        });
    });

    private static bool Matches(JsonElement label, LoggedPrediction prediction)
    {
        if (label.ValueKind == JsonValueKind.Number)
        {
            return label.GetDouble().Equals(prediction.Prediction);
        }

        var text = label.GetString();
        if (prediction.Label is not null && string.Equals(text, prediction.Label, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && number.Equals(prediction.Prediction);
    }
}
