namespace OrleansInference.Grid.Experiments;

/// <summary>One prediction the predict endpoint answered, kept for joining feedback.</summary>
/// <param name="Experiment">The experiment id; null when no experiment routed the prediction.</param>
/// <param name="Variant">The variant that served it; null when no experiment routed the prediction.</param>
/// <param name="Prediction">The predicted class index or value.</param>
/// <param name="Label">The predicted label, when the model names its classes.</param>
/// <param name="Model">The model that answered.</param>
/// <param name="Version">The version that answered.</param>
public sealed record LoggedPrediction(string? Experiment, string? Variant, double Prediction, string? Label, string? Model = null, string? Version = null);
