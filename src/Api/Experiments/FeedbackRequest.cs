using System.Text.Json;

namespace OrleansInference.Api.Experiments;

/// <summary>Body of <c>POST /api/v1/feedback</c>: the prediction id and the true label (string or class index) and/or a reward.</summary>
internal sealed record FeedbackRequest(string? PredictionId, JsonElement? Label, double? Reward);
