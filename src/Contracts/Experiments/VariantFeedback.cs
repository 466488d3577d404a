namespace OrleansInference.Contracts.Experiments;

/// <summary>Ground truth or reward for one prediction of a variant.</summary>
/// <param name="Variant">The variant that served the prediction.</param>
/// <param name="Correct">Whether the prediction matched the true label, when a label was given.</param>
/// <param name="Reward">The reward, when one was given.</param>
public sealed record VariantFeedback(string Variant, bool? Correct, double? Reward);
