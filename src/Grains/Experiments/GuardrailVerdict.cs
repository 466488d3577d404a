namespace OrleansInference.Grains.Experiments;

/// <summary>The outcome of a guardrail check.</summary>
/// <param name="Evaluated">False while the candidate has fewer requests than the minimum sample.</param>
/// <param name="Breached">True when a limit was exceeded.</param>
/// <param name="Reason">Which limit, in a sentence.</param>
/// <param name="Evidence">The numbers compared.</param>
public sealed record GuardrailVerdict(bool Evaluated, bool Breached, string Reason, IReadOnlyDictionary<string, double> Evidence);
