namespace OrleansInference.Contracts.Models;

/// <summary>One class and its probability.</summary>
public sealed record ClassScore(int Index, string? Label, float Probability);
