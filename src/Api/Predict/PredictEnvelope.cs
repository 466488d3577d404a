namespace OrleansInference.Api.Predict;

/// <summary>The routing fields of a predict request, read before the features are parsed.</summary>
internal readonly record struct PredictEnvelope(string? Model, string? Version, string? UserId, bool HasFeatures);
