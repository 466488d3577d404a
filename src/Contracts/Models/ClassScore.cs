using Orleans;
using Orleans.Concurrency;

namespace OrleansInference.Contracts.Models;

/// <summary>One class and its probability.</summary>
[GenerateSerializer]
[Immutable]
[Alias("oi.ClassScore")]
public sealed record ClassScore([property: Id(0)] int Index, [property: Id(1)] string? Label, [property: Id(2)] float Probability);
