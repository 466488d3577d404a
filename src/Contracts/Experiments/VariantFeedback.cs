using Orleans;
using Orleans.Concurrency;

namespace OrleansInference.Contracts.Experiments;

/// <summary>Ground truth or reward for one prediction of a variant.</summary>
/// <param name="Variant">The variant that served the prediction.</param>
/// <param name="Correct">Whether the prediction matched the true label, when a label was given.</param>
/// <param name="Reward">The reward, when one was given.</param>
[GenerateSerializer]
[Immutable]
[Alias("oi.VariantFeedback")]
public sealed record VariantFeedback([property: Id(0)] string Variant, [property: Id(1)] bool? Correct, [property: Id(2)] double? Reward);
