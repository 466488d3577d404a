namespace OrleansInference.Api.Experiments;

/// <summary>Guardrails of a <see cref="RampRequest"/>; omitted fields take the defaults of <c>Guardrails</c>.</summary>
internal sealed record GuardrailsRequest(double? MaxErrorRateIncrease, double? MaxP99LatencyMs, double? MaxP99Ratio, int? MinSamples);
