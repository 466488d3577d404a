using Orleans;
using Orleans.Concurrency;

namespace OrleansInference.Contracts.Models;

/// <summary>The prediction for one input row.</summary>
/// <param name="Prediction">The class index for classifiers, the value for regressors.</param>
/// <param name="Label">The class label, when the model names its classes.</param>
/// <param name="Confidence">The probability of the predicted class (classifiers only).</param>
/// <param name="TopK">The best classes in order, when more than one was asked for.</param>
[GenerateSerializer]
[Immutable]
[Alias("oi.RowPrediction")]
public sealed record RowPrediction([property: Id(0)] double Prediction, [property: Id(1)] string? Label, [property: Id(2)] float? Confidence, [property: Id(3)] IReadOnlyList<ClassScore>? TopK);
