namespace OrleansInference.Api.Predict;

/// <summary>
/// The routing fields of a predict request, read before the model is known, and the shape of the features when they
/// were numbers that could be parsed on the way (<see cref="ParsedWidth"/> 0 when they were not).
/// </summary>
internal readonly record struct PredictEnvelope(
    string? Model, string? Version, string? UserId, bool HasFeatures, int ParsedRows = 0, int ParsedWidth = 0, bool ParsedSingleRow = false);
