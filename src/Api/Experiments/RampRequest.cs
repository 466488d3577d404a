namespace OrleansInference.Api.Experiments;

/// <summary>Body of <c>POST /api/v1/experiments/{id}/ramp</c>.</summary>
internal sealed record RampRequest(string? Variant, IReadOnlyList<int>? Steps, double? StepDurationSeconds, GuardrailsRequest? Guardrails);
