namespace OrleansInference.Api.Tests.Batch;

/// <summary>One row's prediction from the real-time predict endpoint.</summary>
internal sealed record ExpectedPrediction(double Prediction, string? Label, float Confidence);
