using OrleansInference.Contracts.Inference;

namespace OrleansInference.Grains.Models;

/// <summary>One request's tensors waiting in a model version's batcher.</summary>
/// <param name="Inputs">Validated inputs in the model's input order.</param>
/// <param name="Rows">Rows along the batch dimension.</param>
/// <param name="Outputs">Output names to return, in order.</param>
internal sealed record BatchRequest(NamedTensor[] Inputs, long Rows, IReadOnlyList<string> Outputs);
