using OrleansInference.Contracts.Experiments;
using OrleansInference.Grains.Hosting;

namespace OrleansInference.Grains.Experiments;

/// <summary>Calls <see cref="IExperimentGrain"/> through the grain host; routing, recording and reads interleave, changes take turns.</summary>
internal sealed class ExperimentGrainReference(GrainReference<ExperimentGrain> reference) : IExperimentGrain
{
    public Task<ExperimentInfo> CreateAsync(ExperimentDefinition definition, CancellationToken cancellationToken) =>
        reference.InvokeAsync(definition, static (g, d, ct) => g.CreateAsync(d, ct), interleave: false, cancellationToken);

    public Task<ExperimentInfo?> GetAsync(CancellationToken cancellationToken) =>
        reference.InvokeAsync(static (g, ct) => g.GetAsync(ct), interleave: true, cancellationToken);

    public Task<ExperimentInfo> UpdateAsync(ExperimentUpdate update, CancellationToken cancellationToken) =>
        reference.InvokeAsync(update, static (g, u, ct) => g.UpdateAsync(u, ct), interleave: false, cancellationToken);

    public Task<ExperimentInfo> StartRampAsync(RampPlan plan, CancellationToken cancellationToken) =>
        reference.InvokeAsync(plan, static (g, p, ct) => g.StartRampAsync(p, ct), interleave: false, cancellationToken);

    public Task<ExperimentInfo> PromoteAsync(string? variant, CancellationToken cancellationToken) =>
        reference.InvokeAsync(variant, static (g, v, ct) => g.PromoteAsync(v, ct), interleave: false, cancellationToken);

    public Task<ExperimentInfo> AbortAsync(string? reason, CancellationToken cancellationToken) =>
        reference.InvokeAsync(reason, static (g, r, ct) => g.AbortAsync(r, ct), interleave: false, cancellationToken);

    public ValueTask<VariantAssignment?> AssignAsync(string? userId, CancellationToken cancellationToken) =>
        reference.InvokeAsync(userId, static (g, u, ct) => g.AssignAsync(u, ct), interleave: true, cancellationToken);

    public ValueTask RecordAsync(VariantOutcome outcome, CancellationToken cancellationToken) =>
        reference.InvokeAsync(outcome, static (g, o, ct) => g.RecordAsync(o, ct), interleave: true, cancellationToken);

    public ValueTask RecordFeedbackAsync(VariantFeedback feedback, CancellationToken cancellationToken) =>
        reference.InvokeAsync(feedback, static (g, f, ct) => g.RecordFeedbackAsync(f, ct), interleave: true, cancellationToken);

    public ValueTask RecordShadowAsync(ShadowOutcome outcome, CancellationToken cancellationToken) =>
        reference.InvokeAsync(outcome, static (g, o, ct) => g.RecordShadowAsync(o, ct), interleave: true, cancellationToken);

    public Task<ExperimentMetrics> GetMetricsAsync(CancellationToken cancellationToken) =>
        reference.InvokeAsync(static (g, ct) => g.GetMetricsAsync(ct), interleave: true, cancellationToken);

    public Task<IReadOnlyList<ExperimentEvent>> GetEventsAsync(CancellationToken cancellationToken) =>
        reference.InvokeAsync(static (g, ct) => g.GetEventsAsync(ct), interleave: true, cancellationToken);

    public Task EvaluateAsync(CancellationToken cancellationToken) =>
        reference.InvokeAsync(static (g, ct) => g.EvaluateAsync(ct), interleave: false, cancellationToken);

    public override string ToString() => reference.ToString();
}
