namespace OrleansInference.Grid.Experiments;

/// <summary>One prediction an experiment routed, kept for joining feedback.</summary>
/// <param name="Experiment">The experiment id.</param>
/// <param name="Variant">The variant that served it.</param>
/// <param name="Prediction">The predicted class index or value.</param>
/// <param name="Label">The predicted label, when the model names its classes.</param>
public sealed record LoggedPrediction(string Experiment, string Variant, double Prediction, string? Label);
